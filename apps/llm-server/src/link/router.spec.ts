import { CATALOGUE_VERSION, encodeMessage, ProtocolError, type EncodableMessage } from '@clawchat/protocol';
import { createHelloHandler } from '../hello';
import { memoryLogger } from '../log';
import { FakeOutbox } from '../testing/fake-outbox';
import { ClientRegistry } from './client-registry';
import type { Route } from './outbox';
import { Router, type ChatHandlers, type CronHandlers, type FileHandlers } from './router';

const route = (client: number, cls = 0): Route => ({ client: `1:${client}`, streamId: client * 4 + cls });

function notUsed(): never {
  throw new Error('not used in this test');
}

function setUp(overrides: { files?: Partial<FileHandlers>; chat?: Partial<ChatHandlers>; cron?: Partial<CronHandlers> } = {}) {
  const outbox = new FakeOutbox();
  const clients = new ClientRegistry(() => 0);
  const chats: { id: string; route: Route }[] = [];
  const chat: ChatHandlers = {
    chat: (m, r) => chats.push({ id: m.id, route: r }),
    cancel: async () => ({}),
    history: async () => ({ turns: [], more: false }),
    reset: async () => ({ archivedTurns: 0, startedAt: 1 }),
    ...overrides.chat,
  };
  const files: FileHandlers = {
    list: notUsed,
    stat: notUsed,
    mkdir: notUsed,
    delete: notUsed,
    move: notUsed,
    upload: notUsed,
    chunk: notUsed,
    commit: notUsed,
    download: notUsed,
    ...overrides.files,
  };
  const cron: CronHandlers = { list: notUsed, run: notUsed, reload: notUsed, log: notUsed, enable: notUsed, disable: notUsed, ...overrides.cron };
  const hello = createHelloHandler({ provider: 'offline', model: 'offline', offline: true, session: () => ({ turns: 3, startedAt: 7 }) });
  const router = new Router({ outbox, clients, log: memoryLogger(), hello, chat, files, cron });
  const deliver = (msg: EncodableMessage, r: Route) => router.deliver(encodeMessage(msg), r);
  return { outbox, clients, chats, router, deliver };
}

test('a message that fails validation gets ERROR BAD_REQUEST with its id, and goes no further', async () => {
  const { outbox, router, chats } = setUp();
  const good = encodeMessage({ type: 'CHAT', id: 'abc123', text: 'x' });
  const bad = Buffer.from(good.toString('latin1').replace('"text":"x"', '"text":12 '), 'latin1');
  router.deliver(bad, route(1, 1));
  expect(outbox.sent).toEqual([{ route: route(1, 1), message: expect.objectContaining({ type: 'ERROR', re: 'abc123', code: 'BAD_REQUEST' }) }]);
  expect(chats).toEqual([]);
  // Garbage without a readable id still gets an ERROR, without `re`.
  router.deliver(Buffer.from('nonsense'), route(1));
  expect(outbox.sent[1].message).toMatchObject({ type: 'ERROR', code: 'BAD_REQUEST' });
  expect(outbox.sent[1].message).not.toHaveProperty('re');
});

test('PING is answered with PONG; HELLO with WELCOME; a catalogue version we do not speak names the side to upgrade', () => {
  const { outbox, deliver } = setUp();
  deliver({ type: 'PING', id: 'p1', t: 42 }, route(0));
  expect(outbox.answers('p1')).toEqual([{ type: 'PONG', re: 'p1', t: 42 }]);
  deliver({ type: 'HELLO', id: 'h1', version: CATALOGUE_VERSION, client: 'test', capabilities: [] }, route(1));
  expect(outbox.answers('h1')).toEqual([
    { type: 'WELCOME', re: 'h1', versions: [CATALOGUE_VERSION], provider: 'offline', model: 'offline', offline: true, session: { turns: 3, startedAt: 7 } },
  ]);
  deliver({ type: 'HELLO', id: 'h2', version: CATALOGUE_VERSION + 5, client: 'test', capabilities: [] }, route(1));
  expect(outbox.answers('h2')[0]).toMatchObject({ type: 'ERROR', code: 'BAD_REQUEST', message: expect.stringContaining('upgrade the LLM server') });
});

test('CLIENT_OPEN / CLIENT_CLOSE keep the registry; messages of a closed client are dropped', () => {
  const { outbox, clients, deliver, chats } = setUp();
  deliver({ type: 'CLIENT_OPEN', sessionId: '2', device: 'laptop', fingerprint: 'ab:cd' }, route(2));
  expect(clients.get('1:2')).toMatchObject({ device: 'laptop', fingerprint: 'ab:cd', clientNumber: 2 });
  // On the link's own stream the sessionId names the client.
  deliver({ type: 'CLIENT_OPEN', sessionId: '5', device: 'phone', fingerprint: 'ef' }, route(0));
  expect(clients.isOpen('1:5')).toBe(true);
  deliver({ type: 'CLIENT_CLOSE', sessionId: '2', reason: 'idle' }, route(2));
  expect(clients.isOpen('1:2')).toBe(false);
  deliver({ type: 'CHAT', id: 'late', text: 'hi' }, route(2, 1));
  expect(chats).toEqual([]);
  expect(outbox.sent).toEqual([]);
  // A client whose first request overtakes its CLIENT_OPEN is registered on the spot.
  deliver({ type: 'CHAT', id: 'early', text: 'hi' }, route(9, 1));
  expect(clients.isOpen('1:9')).toBe(true);
  expect(chats).toEqual([{ id: 'early', route: route(9, 1) }]);
});

test('a mutating request resent with the same id is answered again but runs once', async () => {
  let deletes = 0;
  const { outbox, deliver } = setUp({ files: { delete: async () => (deletes++, {}) } });
  deliver({ type: 'FILE_DELETE', id: 'd1', path: 'a.txt' }, route(1, 2));
  await outbox.until(() => outbox.answers('d1').length === 1);
  deliver({ type: 'FILE_DELETE', id: 'd1', path: 'a.txt' }, route(3, 2));
  await outbox.until(() => outbox.answers('d1').length === 2);
  expect(deletes).toBe(1);
  expect(outbox.sent.map((s) => s.route)).toEqual([route(1, 2), route(3, 2)]);
  expect(outbox.answers('d1')).toEqual([
    { type: 'OK', re: 'd1', result: {} },
    { type: 'OK', re: 'd1', result: {} },
  ]);
});

test('a resend that arrives while the first is still running waits for the same answer', async () => {
  let commits = 0;
  let finish!: () => void;
  const { outbox, deliver } = setUp({
    files: {
      commit: () => {
        commits++;
        return new Promise((resolve) => (finish = () => resolve({ path: 'f', size: 1, sha256: 'a'.repeat(64) })));
      },
    },
  });
  deliver({ type: 'FILE_COMMIT', id: 'c1', upload: 'u1' }, route(1, 3));
  deliver({ type: 'FILE_COMMIT', id: 'c1', upload: 'u1' }, route(2, 3));
  finish();
  await outbox.until(() => outbox.answers('c1').length === 2);
  expect(commits).toBe(1);
});

test('failures become ERRORs with their catalogue code; unexpected ones become INTERNAL without internals', async () => {
  const { outbox, deliver } = setUp({
    files: {
      stat: async () => {
        throw new ProtocolError('OUTSIDE_SANDBOX', 'That path is outside the shared folder.');
      },
      list: async () => {
        throw new Error('EIO: secret internal detail /home/me');
      },
      // A result that does not fit the catalogue is our bug, not the client's.
      mkdir: async () => ({ surprise: true }) as unknown as Record<string, never>,
    },
  });
  deliver({ type: 'FILE_STAT', id: 's1', path: '../x' }, route(1, 2));
  deliver({ type: 'FILE_LIST', id: 'l1', path: '' }, route(1, 2));
  deliver({ type: 'FILE_MKDIR', id: 'm1', path: 'd' }, route(1, 2));
  await outbox.until(() => outbox.sent.length === 3);
  expect(outbox.answers('s1')).toEqual([{ type: 'ERROR', re: 's1', code: 'OUTSIDE_SANDBOX', message: 'That path is outside the shared folder.' }]);
  expect(outbox.answers('l1')[0]).toMatchObject({ type: 'ERROR', code: 'INTERNAL' });
  expect(JSON.stringify(outbox.answers('l1'))).not.toContain('secret');
  expect(outbox.answers('m1')[0]).toMatchObject({ type: 'ERROR', code: 'INTERNAL' });
});

test('answers and pushes are not requests: with an id they get BAD_REQUEST; STATUS belongs to the relay', () => {
  const { outbox, deliver } = setUp();
  deliver({ type: 'STATUS', id: 'st' }, route(1));
  expect(outbox.answers('st')[0]).toMatchObject({ type: 'ERROR', code: 'BAD_REQUEST', message: expect.stringContaining('relay') });
  deliver({ type: 'CRON_EVENT', job: 'j', event: 'started', runId: 'r', at: 1 }, route(1));
  expect(outbox.sent).toHaveLength(1);
});

test('a FILE_CHUNK without an id is fire-and-forget; with an id it is acknowledged', async () => {
  const seen: string[] = [];
  const { outbox, deliver } = setUp({
    files: {
      chunk: async (m) => {
        seen.push(m.upload);
        if (m.id === undefined) throw new ProtocolError('BAD_REQUEST', 'wrong offset');
        return { received: 10 };
      },
    },
  });
  deliver({ type: 'FILE_CHUNK', upload: 'u1', offset: 0, bytes: Buffer.from('x') }, route(1, 3));
  deliver({ type: 'FILE_CHUNK', id: 'k1', upload: 'u2', offset: 0, bytes: Buffer.from('x') }, route(1, 3));
  await outbox.until(() => outbox.answers('k1').length === 1);
  expect(seen).toEqual(['u1', 'u2']);
  expect(outbox.sent.map((s) => s.message)).toEqual([{ type: 'OK', re: 'k1', result: { received: 10 } }]);
});
