import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfflineProvider, type Provider, type StreamEvent, type StreamRequest } from '@clawchat/llm';
import { ProtocolError, type ChatDoneMessage, type EncodableMessage } from '@clawchat/protocol';
import { QUEUE_HEARTBEAT_INTERVAL_MS } from '../constants';
import type { Route } from '../link/outbox';
import { memoryLogger } from '../log';
import { FakeOutbox } from '../testing/fake-outbox';
import { ChatService } from './chat-service';
import { ConversationStore } from './conversation-store';
import { parseSessionFile } from './session-file';

/** A provider the test steers: each call streams "first piece", waits for release (or abort), then finishes. */
class ScriptedProvider implements Provider {
  readonly name = 'fake';
  readonly model = 'fake-1';
  readonly calls: StreamRequest[] = [];
  private releases: (() => void)[] = [];
  failWith: ProtocolError | undefined;
  autoRelease = false;
  /** Summary (compaction) calls also wait for release, like a slow provider. */
  holdSummaries = false;

  release(): void {
    const next = this.releases.shift();
    next?.();
  }

  get waiting(): number {
    return this.releases.length;
  }

  private watchers: (() => void)[] = [];

  /** Resolves once `n` calls wait for release. */
  untilWaiting(n = 1): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.releases.length < n) return false;
        resolve();
        return true;
      };
      if (!check()) this.watchers.push(() => void check());
    });
  }

  async *stream(request: StreamRequest): AsyncGenerator<StreamEvent> {
    this.calls.push(request);
    const n = this.calls.length;
    if (this.failWith) throw this.failWith;
    if (request.purpose === 'summary') {
      if (this.holdSummaries) await this.held(request);
      yield { kind: 'delta', text: 'a short summary' };
      yield { kind: 'done', provider: this.name, model: this.model };
      return;
    }
    yield { kind: 'delta', text: `reply ${n}: first piece` };
    if (!this.autoRelease) await this.held(request);
    yield { kind: 'delta', text: ', second piece' };
    yield { kind: 'done', provider: this.name, model: this.model, usage: { inputTokens: 10, outputTokens: 4 } };
  }

  private held(request: StreamRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.releases.push(resolve);
      for (const w of this.watchers.splice(0)) w();
      request.signal.addEventListener('abort', () => reject(new ProtocolError('CANCELLED', 'request cancelled')), { once: true });
    });
  }
}

let dir: string;
let outbox: FakeOutbox;
let store: ConversationStore;
let provider: ScriptedProvider;
let chat: ChatService;

const route = (client: number): Route => ({ client: `1:${client}`, streamId: client * 4 + 1 });

async function setUp(p: Provider = new ScriptedProvider(), budgetTokens = 64_000): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'llm-chat-'));
  outbox = new FakeOutbox();
  store = await ConversationStore.open({ stateDir: dir, log: memoryLogger() });
  if (p instanceof ScriptedProvider) provider = p;
  chat = new ChatService({
    store,
    provider: p,
    primary: { provider: p.name, model: p.model },
    context: () => ({ systemPrompt: '## SOUL.md\nBe brief.', files: ['SOUL.md'] }),
    outbox,
    log: memoryLogger(),
    budgetTokens,
    deviceOf: (client) => (client === '1:1' ? 'laptop' : undefined),
  });
}

afterEach(async () => {
  await chat.close();
  rmSync(dir, { recursive: true, force: true });
});

const types = (id: string) => outbox.answers(id).map((m) => m.type);
const doneOf = (id: string) => outbox.answers(id).find((m) => m.type === 'CHAT_DONE') as ChatDoneMessage | undefined;

test('a turn streams deltas to the asker, is written, then CHAT_DONE goes to the asker and to the other devices', async () => {
  await setUp();
  provider.autoRelease = true;
  chat.chat({ type: 'CHAT', id: 'q1', text: 'hello' }, route(1));
  await outbox.until(() => doneOf('q1') !== undefined);
  expect(types('q1')).toEqual(['CHAT_DELTA', 'CHAT_DELTA', 'CHAT_DONE']);
  expect(doneOf('q1')).toEqual({ type: 'CHAT_DONE', re: 'q1', text: 'reply 1: first piece, second piece', provider: 'fake', model: 'fake-1', usage: { inputTokens: 10, outputTokens: 4 } });
  expect(outbox.sent.every((s) => s.route.client === '1:1')).toBe(true);
  // Durable before "done": the file already holds the turn.
  expect(parseSessionFile(readFileSync(store.file, 'utf8')).turns).toEqual([expect.objectContaining({ id: 'q1', question: 'hello' })]);
  // The broadcast carries the question and who asked, goes on the chat class and skips the asker.
  expect(outbox.pushed).toEqual([{ message: { ...doneOf('q1'), question: 'hello', device: 'laptop' }, streamClass: 1, except: '1:1' }]);
  // The provider saw the context and the question.
  expect(provider.calls[0]).toMatchObject({ system: '## SOUL.md\nBe brief.', messages: [{ role: 'user', content: 'hello' }], contextFiles: ['SOUL.md'] });
});

test('turns run one at a time in arrival order; waiting senders are told their position, which moves up', async () => {
  await setUp();
  chat.chat({ type: 'CHAT', id: 'a', text: 'first' }, route(1));
  chat.chat({ type: 'CHAT', id: 'b', text: 'second' }, route(2));
  chat.chat({ type: 'CHAT', id: 'c', text: 'third' }, route(1));
  await provider.untilWaiting();
  expect(outbox.answers('b')).toEqual([{ type: 'CHAT_QUEUED', re: 'b', position: 1 }]);
  expect(outbox.answers('c')).toEqual([{ type: 'CHAT_QUEUED', re: 'c', position: 2 }]);
  expect(provider.calls).toHaveLength(1);

  provider.release();
  await provider.untilWaiting();
  expect(provider.calls).toHaveLength(2);
  expect(outbox.answers('c')).toContainEqual({ type: 'CHAT_QUEUED', re: 'c', position: 1 });
  // The second turn sees the first as history.
  expect(provider.calls[1].messages.map((m) => m.content)).toEqual(['first', 'reply 1: first piece, second piece', 'second']);
  provider.release();
  await provider.untilWaiting();
  provider.release();
  await chat.idle();
  expect(store.turns.map((t) => t.id)).toEqual(['a', 'b', 'c']);
});

test('CHAT_CANCEL keeps the partial reply, marked cancelled, and ends the CHAT with CHAT_DONE {cancelled}', async () => {
  await setUp();
  chat.chat({ type: 'CHAT', id: 'long', text: 'tell me everything' }, route(1));
  await provider.untilWaiting();
  await expect(chat.cancel({ type: 'CHAT_CANCEL', id: 'x1', re: 'long' })).resolves.toEqual({});
  await outbox.until(() => doneOf('long') !== undefined);
  expect(doneOf('long')).toMatchObject({ text: 'reply 1: first piece', cancelled: true, provider: 'fake' });
  expect(store.findTurn('long')).toMatchObject({ answer: 'reply 1: first piece', cancelled: true });
  // Cancelling a finished turn is fine; an unknown one is NOT_FOUND.
  await expect(chat.cancel({ type: 'CHAT_CANCEL', id: 'x2', re: 'long' })).resolves.toEqual({});
  await expect(chat.cancel({ type: 'CHAT_CANCEL', id: 'x3', re: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

test('a queued CHAT that is cancelled ends with an empty cancelled CHAT_DONE and is not stored; the others move up', async () => {
  await setUp();
  chat.chat({ type: 'CHAT', id: 'a', text: 'first' }, route(1));
  chat.chat({ type: 'CHAT', id: 'b', text: 'second' }, route(1));
  chat.chat({ type: 'CHAT', id: 'c', text: 'third' }, route(2));
  await provider.untilWaiting();
  await chat.cancel({ type: 'CHAT_CANCEL', id: 'x', re: 'b' });
  expect(doneOf('b')).toMatchObject({ text: '', cancelled: true });
  expect(outbox.answers('c')).toContainEqual({ type: 'CHAT_QUEUED', re: 'c', position: 1 });
  provider.autoRelease = true;
  provider.release();
  await chat.idle();
  expect(store.turns.map((t) => t.id)).toEqual(['a', 'c']);
  // A resend of the cancelled id replays its end instead of running it.
  chat.chat({ type: 'CHAT', id: 'b', text: 'second' }, route(3));
  expect(outbox.sent.filter((s) => s.route.client === '1:3').map((s) => s.message)).toEqual([expect.objectContaining({ type: 'CHAT_DONE', cancelled: true })]);
  expect(provider.calls).toHaveLength(2);
});

test('a CHAT resent with an answered id replays the stored reply without calling the provider again', async () => {
  await setUp();
  provider.autoRelease = true;
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(1));
  await outbox.until(() => doneOf('q') !== undefined);
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(7));
  const replay = outbox.sent.filter((s) => s.route.client === '1:7').map((s) => s.message);
  expect(replay).toEqual([
    { type: 'CHAT_DELTA', re: 'q', text: 'reply 1: first piece, second piece' },
    expect.objectContaining({ type: 'CHAT_DONE', re: 'q', text: 'reply 1: first piece, second piece' }),
  ]);
  expect(provider.calls).toHaveLength(1);
  expect(store.turnCount).toBe(1);
});

test('a CHAT resent while it is still running moves to the new route and gets the text so far', async () => {
  await setUp();
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(1));
  await provider.untilWaiting();
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(2));
  provider.release();
  await chat.idle();
  const onNew = outbox.sent.filter((s) => s.route.client === '1:2').map((s) => s.message as EncodableMessage & { text?: string });
  expect(onNew.map((m) => m.type)).toEqual(['CHAT_DELTA', 'CHAT_DELTA', 'CHAT_DONE']);
  expect(onNew[0].text).toBe('reply 1: first piece');
  expect(provider.calls).toHaveLength(1);
});

test('a provider error ends the CHAT with its code and message and stores nothing', async () => {
  await setUp();
  provider.failWith = new ProtocolError('RATE_LIMITED', 'fake rate limit reached: retry after 30 s');
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(1));
  await outbox.until(() => outbox.answers('q').length > 0);
  expect(outbox.answers('q')).toEqual([{ type: 'ERROR', re: 'q', code: 'RATE_LIMITED', message: 'fake rate limit reached: retry after 30 s' }]);
  await chat.idle();
  expect(store.turnCount).toBe(0);
});

test('when the prompt outgrows the budget old turns are summarised and archived before the next turn', async () => {
  await setUp(createOfflineProvider(), 150); // 600 characters
  for (let i = 0; i < 4; i++) {
    chat.chat({ type: 'CHAT', id: `t${i}`, text: `question number ${i} ${'words '.repeat(20)}` }, route(1));
    await chat.idle();
  }
  expect(store.summary?.text).toContain('trimmed by the offline provider');
  expect(store.turns.length).toBeLessThan(4);
  expect(store.turns[store.turns.length - 1].id).toBe('t3');
  const archived = readFileSync(store.archiveFile, 'utf8').trim().split('\n').flatMap((l) => JSON.parse(l).turns.map((t: { id: string }) => t.id));
  expect([...archived, ...store.turns.map((t) => t.id)].filter((v, i, a) => a.indexOf(v) === i)).toEqual(['t0', 't1', 't2', 't3']);
  expect(store.turnCount).toBe(4);
});

test('SESSION_RESET waits for the running turn, then archives the conversation', async () => {
  await setUp();
  chat.chat({ type: 'CHAT', id: 'q', text: 'hi' }, route(1));
  await provider.untilWaiting();
  const reset = chat.reset();
  let settled = false;
  void reset.then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  expect(settled).toBe(false);
  provider.release();
  await expect(reset).resolves.toMatchObject({ archivedTurns: 1 });
  expect(store.turnCount).toBe(0);
});

describe('CHAT_QUEUED for a SESSION_RESET (position 1 = next; the codec refuses 0)', () => {
  const queuedFor = (id: string) => outbox.answers(id).filter((m) => m.type === 'CHAT_QUEUED');

  test('a reset with nothing running runs at once and is sent no CHAT_QUEUED', async () => {
    await setUp();
    await expect(chat.reset({ id: 'r' }, route(2))).resolves.toMatchObject({ archivedTurns: 0 });
    expect(outbox.answers('r')).toEqual([]);
  });

  test('a reset behind a running reply and a waiting CHAT is told its real place, which moves up', async () => {
    await setUp();
    chat.chat({ type: 'CHAT', id: 'a', text: 'first' }, route(1));
    chat.chat({ type: 'CHAT', id: 'b', text: 'second' }, route(1));
    await provider.untilWaiting();
    const reset = chat.reset({ id: 'r' }, route(2));
    expect(queuedFor('r')).toEqual([{ type: 'CHAT_QUEUED', re: 'r', position: 2 }]);
    provider.release(); // a ends, b runs: the reset is next
    await outbox.until(() => queuedFor('r').length === 2);
    expect(queuedFor('r')[1]).toEqual({ type: 'CHAT_QUEUED', re: 'r', position: 1 });
    await provider.untilWaiting();
    provider.release();
    await expect(reset).resolves.toMatchObject({ archivedTurns: 2 });
    expect(queuedFor('r')).toHaveLength(2);
  });
});

/** Holds every session-file write until `open()` is called; `untilCalls(n)` resolves once n writes were asked for. */
function gateSaves(): { untilCalls: (n: number) => Promise<void>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const waiters: { n: number; wake: () => void }[] = [];
  const save = store.save.bind(store);
  jest.spyOn(store, 'save').mockImplementation(() => {
    calls++;
    for (const w of waiters.filter((w) => calls >= w.n)) w.wake();
    return gate.then(save);
  });
  const untilCalls = (n: number) => (calls >= n ? Promise.resolve() : new Promise<void>((wake) => waiters.push({ n, wake })));
  return { untilCalls, open };
}

describe('the queue heartbeat (the relay drops a request after 60 s without a piece)', () => {
  // Only the interval is faked: provider, files and the outbox's waits run for real.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout'] }));
  afterEach(() => jest.useRealTimers());

  const queuedFor = (id: string) => outbox.answers(id).filter((m) => m.type === 'CHAT_QUEUED');

  test('a waiting CHAT is sent CHAT_QUEUED again every interval, the running one is not, and the beat stops once none waits', async () => {
    await setUp();
    chat.chat({ type: 'CHAT', id: 'a', text: 'first' }, route(1));
    chat.chat({ type: 'CHAT', id: 'b', text: 'second' }, route(2));
    chat.chat({ type: 'CHAT', id: 'c', text: 'third' }, route(3));
    await provider.untilWaiting();
    expect(queuedFor('b')).toHaveLength(1);

    jest.advanceTimersByTime(QUEUE_HEARTBEAT_INTERVAL_MS - 1);
    expect(queuedFor('b')).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(queuedFor('b')).toEqual([{ type: 'CHAT_QUEUED', re: 'b', position: 1 }, { type: 'CHAT_QUEUED', re: 'b', position: 1 }]);
    expect(queuedFor('c')).toEqual([{ type: 'CHAT_QUEUED', re: 'c', position: 2 }, { type: 'CHAT_QUEUED', re: 'c', position: 2 }]);
    jest.advanceTimersByTime(2 * QUEUE_HEARTBEAT_INTERVAL_MS);
    expect(queuedFor('b')).toHaveLength(4);
    expect(queuedFor('a')).toEqual([]);

    provider.autoRelease = true;
    provider.release();
    await chat.idle();
    expect(jest.getTimerCount()).toBe(0);
  });

  test('the heartbeat goes on while a compaction keeps the queue waiting', async () => {
    await setUp(new ScriptedProvider(), 10); // 40 characters: the third turn triggers a compaction
    provider.autoRelease = true;
    for (const id of ['t0', 't1']) {
      chat.chat({ type: 'CHAT', id, text: id }, route(1));
      await chat.idle();
    }
    provider.holdSummaries = true;
    chat.chat({ type: 'CHAT', id: 't2', text: 't2' }, route(1));
    await provider.untilWaiting(); // the summary call of the compaction after t2
    expect(provider.calls[provider.calls.length - 1].purpose).toBe('summary');
    chat.chat({ type: 'CHAT', id: 'w', text: 'waiting' }, route(2));
    expect(queuedFor('w')).toHaveLength(1);
    jest.advanceTimersByTime(QUEUE_HEARTBEAT_INTERVAL_MS);
    jest.advanceTimersByTime(QUEUE_HEARTBEAT_INTERVAL_MS);
    expect(queuedFor('w')).toEqual(Array(3).fill({ type: 'CHAT_QUEUED', re: 'w', position: 1 }));
    provider.holdSummaries = false; // the turn after w compacts again
    provider.release();
    await chat.idle();
    expect(doneOf('w')).toBeDefined();
  });

  test('a SESSION_RESET waiting behind a long reply is told its place too, so the relay does not give up on it', async () => {
    await setUp();
    chat.chat({ type: 'CHAT', id: 'long', text: 'a long answer' }, route(1));
    await provider.untilWaiting();
    const reset = chat.reset({ id: 'r' }, route(2));
    expect(queuedFor('r')).toEqual([{ type: 'CHAT_QUEUED', re: 'r', position: 1 }]);
    jest.advanceTimersByTime(2 * QUEUE_HEARTBEAT_INTERVAL_MS);
    expect(queuedFor('r')).toHaveLength(3);
    provider.autoRelease = true;
    provider.release();
    await reset;
    await chat.idle();
    expect(jest.getTimerCount()).toBe(0);
  });
});

test('CHAT_DONE is sent to the asker and the others when a SESSION_RESET queued behind the turn runs before its write returns', async () => {
  await setUp();
  outbox.clients = ['1:1', '1:2'];
  const saves = gateSaves();
  chat.chat({ type: 'CHAT', id: 'q', text: 'hello' }, route(1));
  await provider.untilWaiting();
  const reset = chat.reset();
  provider.release();
  // The turn's write is held; the reset runs next, empties the conversation and asks for its own write.
  await saves.untilCalls(2);
  expect(store.turns).toEqual([]);
  saves.open();
  await expect(reset).resolves.toMatchObject({ archivedTurns: 1 });
  await chat.idle();
  expect(doneOf('q')).toMatchObject({ re: 'q', text: 'reply 1: first piece, second piece', provider: 'fake' });
  expect(outbox.pushed).toEqual([{ message: expect.objectContaining({ type: 'CHAT_DONE', re: 'q', question: 'hello' }), streamClass: 1, except: '1:1' }]);
  expect(store.findTurn('q')).toBeUndefined();
});

test('a CHAT resent while its turn is being written gets its CHAT_DONE once, on the new route, and the broadcast skips that device', async () => {
  await setUp();
  outbox.clients = ['1:1', '1:2', '1:3'];
  provider.autoRelease = true;
  const saves = gateSaves();
  chat.chat({ type: 'CHAT', id: 'q', text: 'hello' }, route(1));
  await saves.untilCalls(1);
  // The device reconnects (new session 1:2) and resends; its old session is gone.
  outbox.closedClients.add('1:1');
  chat.chat({ type: 'CHAT', id: 'q', text: 'hello' }, route(2));
  saves.open();
  await chat.idle();
  const onNew = outbox.sent.filter((s) => s.route.client === '1:2').map((s) => s.message);
  expect(onNew).toEqual([
    { type: 'CHAT_DELTA', re: 'q', text: 'reply 1: first piece, second piece' },
    expect.objectContaining({ type: 'CHAT_DONE', re: 'q', text: 'reply 1: first piece, second piece' }),
  ]);
  expect(outbox.pushed).toEqual([{ message: expect.objectContaining({ type: 'CHAT_DONE', re: 'q', question: 'hello' }), streamClass: 1, except: '1:2' }]);
});

test('a burst of pieces goes out as the first piece at once, then one batched delta, all before CHAT_DONE', async () => {
  const pieces = Array.from({ length: 40 }, (_, i) => `word${i} `);
  const bursty: Provider = {
    name: 'bursty',
    model: 'bursty-1',
    async *stream(): AsyncGenerator<StreamEvent> {
      for (const text of pieces) yield { kind: 'delta', text };
      yield { kind: 'done', provider: 'bursty', model: 'bursty-1' };
    },
  };
  await setUp(bursty);
  chat.chat({ type: 'CHAT', id: 'burst', text: 'go' }, route(1));
  await outbox.until(() => doneOf('burst') !== undefined);
  const deltas = outbox.answers('burst').filter((m) => m.type === 'CHAT_DELTA') as { text: string }[];
  expect(deltas[0].text).toBe(pieces[0]);
  expect(deltas.length).toBeLessThan(pieces.length / 4);
  expect(deltas.map((d) => d.text).join('')).toBe(pieces.join(''));
  expect(types('burst').at(-1)).toBe('CHAT_DONE');
});

test('a provider failing mid-reply: the pieces already produced go out before the ERROR', async () => {
  const failing: Provider = {
    name: 'failing',
    model: 'failing-1',
    async *stream(): AsyncGenerator<StreamEvent> {
      yield { kind: 'delta', text: 'one' };
      yield { kind: 'delta', text: ' two' };
      throw new ProtocolError('PROVIDER_ERROR', 'the model went away');
    },
  };
  await setUp(failing);
  chat.chat({ type: 'CHAT', id: 'f', text: 'go' }, route(1));
  await outbox.until(() => types('f').includes('ERROR'));
  expect(types('f')).toEqual(['CHAT_DELTA', 'CHAT_DELTA', 'ERROR']);
  expect(outbox.answers('f').slice(0, 2)).toEqual([
    { type: 'CHAT_DELTA', re: 'f', text: 'one' },
    { type: 'CHAT_DELTA', re: 'f', text: ' two' },
  ]);
});
