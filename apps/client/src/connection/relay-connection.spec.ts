import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloseCode, CredentialKind } from '@clawchat/protocol';
import { FakeRelay, welcome } from '../testing/fake-relay';
import { ConnectError, REVOKED_MESSAGE, ROTATED_MESSAGE } from './connect-error';
import { CredentialStore, type StoredRelay } from './credential-store';
import { RelayConnection, type RelayConnectionOptions } from './relay-connection';
import { targetFromStored } from './sec-target';
import { CONNECTION_LOST, errorCode, type ConnectionStatus, type Message } from './types';

/** Polls a condition the connection reaches through async file I/O (no event to await for those). */
async function eventually(pred: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RelayConnection against a fake relay on 127.0.0.1', () => {
  let dir: string;
  let store: CredentialStore;
  let relay: FakeRelay | undefined;
  let conn: RelayConnection | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-conn-'));
    store = new CredentialStore(join(dir, 'state'));
  });
  afterEach(async () => {
    await conn?.close();
    await relay?.close();
    conn = relay = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (over: Partial<RelayConnectionOptions> = {}): RelayConnectionOptions => ({
    target: (relay as FakeRelay).ticketTarget(),
    store,
    deviceName: 'test-device',
    handshakeTimeoutMs: 3000,
    ...over,
  });

  /** Resolves with the first status for which `pred` holds. */
  const statusWhere = (c: RelayConnection, pred: (s: ConnectionStatus) => boolean) =>
    new Promise<ConnectionStatus>((resolve) => {
      if (pred(c.status())) return resolve(c.status());
      const off = c.onStatus((s) => {
        if (!pred(s)) return;
        off();
        resolve(s);
      });
    });

  test('ticket handshake, HELLO/WELCOME, status, and the resumption credential stored 0600 after the first message', async () => {
    relay = await FakeRelay.start();
    conn = await RelayConnection.connect(options());
    const hello = relay.messages('HELLO')[0];
    expect(hello).toMatchObject({ type: 'HELLO', version: 1, client: 'clawchat/0.1.0', capabilities: [], device: 'test-device' });
    expect(relay.hellos[0]).toMatchObject({ kind: CredentialKind.TICKET, deviceName: 'test-device' });
    const status = conn.status();
    expect(status).toMatchObject({ state: 'connected', relay: `127.0.0.1:${relay.port}`, provider: 'offline', model: 'echo', offline: true });
    expect(status.rttMs).toBeGreaterThan(0);
    expect(status.keyAgeMs).toBeGreaterThanOrEqual(0);
    expect(status.nextRotationMs).toBeGreaterThan(59 * 60_000);
    // The credential is written once the relay has spoken (WELCOME); the write is async.
    await eventually(async () => (await store.latestRelay()) !== undefined);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    const stored = await store.latestRelay();
    expect(stored).toMatchObject({ host: '127.0.0.1', port: relay.port, relayPublicKey: relay.relayKey.publicKey.toString('base64') });
    expect(relay.resumptions.get(Buffer.from(stored?.resumptionId ?? '', 'base64url').toString('hex'))?.toString('base64')).toBe(stored?.resumptionPsk);
  });

  test('requests: pieces go to onPiece, the end resolves, ERROR rejects with its code; pushes reach onPush', async () => {
    relay = await FakeRelay.start();
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') return r.reply(welcome(String(r.msg.id)));
      if (r.msg.type === 'CHAT') {
        r.reply({ type: 'CHAT_DELTA', re: r.msg.id, text: 'Hel' });
        r.reply({ type: 'CHAT_DELTA', re: r.msg.id, text: 'lo' });
        r.reply({ type: 'CHAT_DONE', re: r.msg.id, text: 'Hello', provider: 'offline', model: 'echo' });
        r.reply({ type: 'CRON_EVENT', job: 'backup', event: 'started', runId: 'r1', at: 5 });
      }
      if (r.msg.type === 'FILE_LIST') r.reply({ type: 'ERROR', re: r.msg.id, code: 'NOT_FOUND', message: 'no such folder: x' });
    };
    conn = await RelayConnection.connect(options());
    const pieces: Message[] = [];
    const pushes: Message[] = [];
    conn.onPush((m) => pushes.push(m));
    const done = await conn.request({ type: 'CHAT', text: 'hi' }, (p) => pieces.push(p));
    expect(pieces.map((p) => p.text)).toEqual(['Hel', 'lo']);
    expect(done).toMatchObject({ type: 'CHAT_DONE', text: 'Hello' });
    const chat = relay.messages('CHAT')[0];
    expect(relay.received.find((r) => r.msg === chat)?.streamId).toBe(1); // chat stream class
    await expect(conn.request({ type: 'FILE_LIST', path: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no such folder: x' });
    await eventually(() => pushes.length > 0);
    expect(pushes).toEqual([{ type: 'CRON_EVENT', job: 'backup', event: 'started', runId: 'r1', at: 5 }]);
    // A message that does not fit the catalogue is refused locally, before it reaches the wire.
    await expect(conn.request({ type: 'CHAT', text: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  test('WELCOME without our catalogue version is a VERSION error naming both sides; LLM_UNREACHABLE still connects', async () => {
    relay = await FakeRelay.start();
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') r.reply(welcome(String(r.msg.id), { versions: [2, 3] }));
    };
    const err = await RelayConnection.connect(options()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'VERSION', message: expect.stringMatching(/speaks message catalogue version 2, 3, this client speaks 1 — upgrade this client/) });
    await relay.close();
    relay = await FakeRelay.start();
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') r.reply({ type: 'ERROR', re: r.msg.id, code: 'LLM_UNREACHABLE', message: 'the LLM server is not answering' });
    };
    conn = await RelayConnection.connect(options());
    expect(conn.status()).toMatchObject({ state: 'connected', reason: 'Cannot reach LLM server' });
    expect(conn.status().provider).toBeUndefined();
  });

  test('connected while the LLM server was down: HELLO is repeated until WELCOME, then provider/model appear and the reason clears', async () => {
    relay = await FakeRelay.start();
    let unreachable = 3;
    relay.handler = (r) => {
      if (r.msg.type !== 'HELLO') return;
      if (unreachable-- > 0) return r.reply({ type: 'ERROR', re: r.msg.id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
      r.reply(welcome(String(r.msg.id)));
    };
    conn = await RelayConnection.connect(options({ helloRetryMs: 50 }));
    expect(conn.status()).toMatchObject({ state: 'connected', reason: 'Cannot reach LLM server' });
    const recovered = await statusWhere(conn, (s) => s.provider !== undefined);
    expect(recovered).toMatchObject({ state: 'connected', provider: 'offline', model: 'echo', offline: true });
    expect(recovered.reason).toBeUndefined();
    expect(relay.messages('HELLO')).toHaveLength(4);
    expect(relay.hellos).toHaveLength(1); // one handshake: no reconnect was needed
  });

  test('LLM server unreachable at HELLO: the first answer from the LLM server triggers HELLO at once', async () => {
    relay = await FakeRelay.start();
    let llmUp = false;
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') {
        if (!llmUp) return r.reply({ type: 'ERROR', re: r.msg.id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
        return r.reply(welcome(String(r.msg.id), { provider: 'anthropic', model: 'claude', offline: false }));
      }
      if (r.msg.type === 'CRON_LIST') r.reply({ type: 'OK', re: r.msg.id, result: { jobs: [], errors: [] } });
    };
    conn = await RelayConnection.connect(options({ helloRetryMs: 60_000 }));
    expect(conn.status().reason).toBe('Cannot reach LLM server');
    llmUp = true;
    const recovered = statusWhere(conn, (s) => s.provider === 'anthropic');
    await conn.request({ type: 'CRON_LIST' });
    expect(await recovered).toMatchObject({ state: 'connected', provider: 'anthropic', model: 'claude' });
    expect(conn.status().reason).toBeUndefined();
    expect(conn.status().offline).toBeUndefined();
    expect(relay.messages('HELLO')).toHaveLength(2);
  });

  test('the LLM server going away mid-session (and coming back with another provider) is noticed and the status follows', async () => {
    relay = await FakeRelay.start();
    let llm: 'offline' | 'down' | 'anthropic' = 'offline';
    relay.handler = (r) => {
      if (llm === 'down') return r.reply({ type: 'ERROR', re: r.msg.id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
      if (r.msg.type === 'HELLO') return r.reply(llm === 'offline' ? welcome(String(r.msg.id)) : welcome(String(r.msg.id), { provider: 'anthropic', model: 'claude', offline: false }));
      if (r.msg.type === 'CRON_LIST') r.reply({ type: 'OK', re: r.msg.id, result: { jobs: [], errors: [] } });
    };
    conn = await RelayConnection.connect(options({ helloRetryMs: 50 }));
    expect(conn.status()).toMatchObject({ provider: 'offline' });
    llm = 'down';
    await expect(conn.request({ type: 'CRON_LIST' })).rejects.toMatchObject({ code: 'LLM_UNREACHABLE' });
    expect(conn.status().reason).toBe('Cannot reach LLM server');
    llm = 'anthropic'; // restarted with an API key
    const recovered = await statusWhere(conn, (s) => s.provider === 'anthropic');
    expect(recovered).toMatchObject({ state: 'connected', model: 'claude' });
    expect(recovered.reason).toBeUndefined();
  });

  test('a spent ticket is a one-line TICKET error and stores nothing', async () => {
    relay = await FakeRelay.start({ refuseTicket: { code: CloseCode.TICKET_USED, reason: 'ticket already used' } });
    const err = await RelayConnection.connect(options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).toMatchObject({ kind: 'TICKET' });
    expect((err as Error).message).toMatch(/already used by another device/);
    expect((err as Error).message).not.toContain('ticket already used'); // the relay's own wording is not repeated
    expect((err as Error).message).not.toContain('\n');
    expect(await store.latestRelay()).toBeUndefined();
  });

  /** The ticket target as it comes from a .sec file (digest and expiry of the file). */
  const secTarget = (r: FakeRelay, digest = 'f'.repeat(64)) => {
    const t = r.ticketTarget();
    return { ...t, credential: { ...t.credential, sec: { digest, expiresAt: Date.now() + 600_000 } } };
  };

  test('the .sec a ticket came from is remembered as used by this device once the relay took it', async () => {
    relay = await FakeRelay.start();
    conn = await RelayConnection.connect(options({ target: secTarget(relay) }));
    await eventually(async () => (await store.secHistory()).secs.length > 0);
    expect((await store.secHistory()).secs).toEqual([
      {
        digest: 'f'.repeat(64),
        ticketId: relay.ticketId.toString('base64url'),
        relayPublicKey: relay.relayKey.publicKey.toString('base64'),
        outcome: 'used',
        at: expect.any(Number),
        expiresAt: expect.any(Number),
      },
    ]);
  });

  test('a refused ticket is remembered with the refusal before the connect fails (the process exits right after)', async () => {
    for (const [code, outcome] of [
      [CloseCode.TICKET_USED, 'used-elsewhere'],
      [CloseCode.TICKET_EXPIRED, 'expired'],
      [CloseCode.TICKET_REVOKED, 'revoked'],
    ] as const) {
      relay = await FakeRelay.start({ refuseTicket: { code, reason: 'no' } });
      const digest = String(code).repeat(64);
      const err = await RelayConnection.connect(options({ target: secTarget(relay, digest) })).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'TICKET' });
      expect((await store.secHistory()).secs.find((r) => r.digest === digest)?.outcome).toBe(outcome);
      await relay.close();
      relay = undefined;
    }
  });

  test('no answer within the handshake timeout: UNREACHABLE naming the address', async () => {
    const silent: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    relay = await FakeRelay.start();
    const port = silent.address().port;
    const started = Date.now();
    const err = await RelayConnection.connect(options({ target: { ...relay.ticketTarget(), port }, handshakeTimeoutMs: 400 })).catch((e: unknown) => e);
    silent.close();
    expect(err).toMatchObject({ kind: 'UNREACHABLE' });
    expect((err as Error).message).toContain(`cannot reach the relay at 127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a stored credential reconnects without the ticket', async () => {
    relay = await FakeRelay.start();
    conn = await RelayConnection.connect(options());
    await relay.until(() => relay?.resumptions.size === 1);
    await eventually(async () => (await store.latestRelay()) !== undefined);
    await conn.close();
    const stored = await store.latestRelay();
    conn = await RelayConnection.connect(options({ target: targetFromStored(stored as NonNullable<typeof stored>) }));
    expect(conn.status().state).toBe('connected');
    expect(relay.hellos.map((h) => h.kind)).toEqual([CredentialKind.TICKET, CredentialKind.RESUMPTION]);
  });

  describe('the relay rotates the resumption credential on every connect', () => {
    const hex = (b: Buffer | string) => (typeof b === 'string' ? Buffer.from(b, 'base64url') : b).toString('hex');
    const storedId = async () => hex((await store.latestRelay())?.resumptionId ?? '');
    /** The credential ids the client presented, one per handshake (the first is the ticket's). */
    const presented = () => (relay as FakeRelay).hellos.map((h) => h.credentialId.toString('hex'));

    test('each connect stores the new credential, durably, once the relay has spoken; the next connect presents it', async () => {
      relay = await FakeRelay.start();
      conn = await RelayConnection.connect(options());
      await eventually(async () => (await store.latestRelay()) !== undefined);
      await conn.close();
      const ids = [await storedId()];
      for (let i = 0; i < 3; i++) {
        const stored = await store.latestRelay();
        conn = await RelayConnection.connect(options({ target: targetFromStored(stored as NonNullable<typeof stored>) }));
        await conn.close(); // waits for the save: a short headless run keeps its new credential too
        ids.push(await storedId());
      }
      expect(new Set(ids).size).toBe(4); // a new id every time: nothing on the wire links the sessions
      expect(presented().slice(1)).toEqual(ids.slice(0, 3));
      const stored = await store.latestRelay();
      expect(relay.resumptions.get(ids[3])?.toString('base64')).toBe(stored?.resumptionPsk);
    });

    test('a new credential the relay never proved (the session died before it spoke) is not used: the reconnect presents the old one', async () => {
      relay = await FakeRelay.start();
      const r0 = relay;
      let hellos = 0;
      relay.handler = (r) => {
        if (r.msg.type !== 'HELLO') return;
        // The second session (the first resumption) is confirmed but the relay "crashes" before saving
        // its new credential and before answering anything: the client has heard nothing on it.
        if (++hellos === 2) return r.session.close(CloseCode.SHUTDOWN, 'relay going down');
        r.reply(welcome(String(r.msg.id)));
      };
      conn = await RelayConnection.connect(options());
      await eventually(async () => (await store.latestRelay()) !== undefined);
      const first = await storedId();
      relay.forgetNextCredential = true;
      relay.closeAll(CloseCode.SHUTDOWN, 'relay restarting');
      await r0.until(() => hellos === 3, 5000);
      await statusWhere(conn, (s) => s.state === 'connected');
      // Ticket, then the stored credential twice: the one offered by the dead session was never adopted.
      expect(presented().slice(1)).toEqual([first, first]);
      await eventually(async () => (await storedId()) !== first);
      expect(relay.resumptions.has(await storedId())).toBe(true);
    });

    test.each([
      ['', 0],
      // NTP corrects a clock that ran an hour fast: the headless command's save carries an earlier time,
      // so the store is compared by id, not by time.
      [', even after the wall clock stepped back in between', -3_600_000],
    ])('a reconnect uses the newer credential another program of this device stored meanwhile%s', async (_case, clockStepMs) => {
      relay = await FakeRelay.start();
      conn = await RelayConnection.connect(options()); // the TUI
      await eventually(async () => (await store.latestRelay()) !== undefined);
      const tuiId = await storedId();
      // A headless command of the same device connects from the file and stores its own new credential.
      const stored = await store.latestRelay();
      const realNow = Date.now;
      Date.now = () => realNow() + clockStepMs;
      try {
        const cli = await RelayConnection.connect(options({ target: targetFromStored(stored as NonNullable<typeof stored>) }));
        await cli.close();
      } finally {
        Date.now = realNow;
      }
      const cliId = await storedId();
      expect(cliId).not.toBe(tuiId);
      // The TUI's session drops; it reconnects with what the file holds now, not with what it remembers
      // (the relay keeps only the last few, and more headless runs would have pushed the TUI's out).
      relay.closeAll(CloseCode.SHUTDOWN, 'relay restarting');
      await relay.until(() => relay?.hellos.length === 3); // ticket, the headless command, the reconnect
      expect(presented()[2]).toBe(cliId);
      await statusWhere(conn, (s) => s.state === 'connected');
    });

    test('a revocation that arrives with the first message erases the credential after its save, not before', async () => {
      relay = await FakeRelay.start();
      conn = await RelayConnection.connect(options());
      await eventually(async () => (await store.latestRelay()) !== undefined);
      await conn.close();
      const stored = await store.latestRelay();
      relay.handler = (r) => {
        if (r.msg.type !== 'HELLO') return;
        r.reply({ type: 'COMPROMISED', reason: 'revoked by admin' });
        r.session.close(CloseCode.REVOKED, 'revoked');
      };
      // A save that takes a while (a slow disk, another program holding the file lock).
      class SlowStore extends CredentialStore {
        override async saveRelay(relay: StoredRelay): Promise<void> {
          await new Promise((r) => setTimeout(r, 150));
          return super.saveRelay(relay);
        }
      }
      const slow = new SlowStore(store.dir);
      const err = await RelayConnection.connect(options({ store: slow, target: targetFromStored(stored as NonNullable<typeof stored>) })).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: 'REVOKED' });
      await new Promise((r) => setTimeout(r, 400)); // the save and the erase both had time to land
      expect(existsSync(store.file)).toBe(false);
    });
  });

  test('the relay closing the session: reconnecting, resumption, pending CHAT resent with its id and replayed text skipped', async () => {
    relay = await FakeRelay.start();
    let chats = 0;
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') return r.reply(welcome(String(r.msg.id)));
      if (r.msg.type !== 'CHAT') return;
      chats++;
      r.reply({ type: 'CHAT_DELTA', re: r.msg.id, text: 'one ' });
      if (chats === 1) return; // the first attempt dies mid-reply
      r.reply({ type: 'CHAT_DELTA', re: r.msg.id, text: 'two' });
      r.reply({ type: 'CHAT_DONE', re: r.msg.id, text: 'one two', provider: 'offline', model: 'echo' });
    };
    conn = await RelayConnection.connect(options());
    const states: string[] = [];
    conn.onStatus((s) => states.push(s.state));
    const pieces: string[] = [];
    const reply = conn.request({ type: 'CHAT', text: 'count' }, (p) => pieces.push(String(p.text)));
    await eventually(() => pieces.length === 1);
    relay.closeAll(CloseCode.SHUTDOWN, 'relay restarting');
    const done = await reply;
    expect(done.text).toBe('one two');
    expect(pieces.join('')).toBe('one two'); // "one " was not delivered twice
    const sent = relay.messages('CHAT');
    expect(sent).toHaveLength(2);
    expect(sent[1].id).toBe(sent[0].id);
    expect(states).toContain('reconnecting');
    expect(conn.status().state).toBe('connected');
    expect(relay.hellos.map((h) => h.kind)).toEqual([CredentialKind.TICKET, CredentialKind.RESUMPTION]);
  });

  test('15 s of silence (shortened) with a request in flight: probe, then reconnect once the relay answers again', async () => {
    relay = await FakeRelay.start();
    const r0 = relay;
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') return r.reply(welcome(String(r.msg.id)));
      if (r.msg.type === 'CRON_LIST' && !r0.muted) r.reply({ type: 'OK', re: r.msg.id, result: { jobs: [], errors: [] } });
    };
    conn = await RelayConnection.connect(options({ reconnectAfterMs: 600, probeAfterMs: 150, watchdogIntervalMs: 50 }));
    await relay.until(() => relay?.resumptions.size === 1);
    relay.muted = true;
    const answer = conn.request({ type: 'CRON_LIST' });
    await statusWhere(conn, (s) => s.state === 'reconnecting');
    relay.muted = false;
    await expect(answer).resolves.toMatchObject({ type: 'OK', result: { jobs: [] } });
    const lists = relay.messages('CRON_LIST');
    expect(lists.length).toBeGreaterThanOrEqual(1);
    expect(new Set(lists.map((m) => m.id)).size).toBe(1);
    expect(relay.hellos.at(-1)?.kind).toBe(CredentialKind.RESUMPTION);
  });

  test('idle client, relay gone silent (restarted): probes, then reconnecting after 15 s (shortened) and back with resumption', async () => {
    relay = await FakeRelay.start();
    conn = await RelayConnection.connect(options({ reconnectAfterMs: 600, probeAfterMs: 150, watchdogIntervalMs: 50 }));
    await relay.until(() => relay?.resumptions.size === 1);
    const states: string[] = [];
    conn.onStatus((s) => states.push(s.state));
    relay.muted = true; // nothing in flight: only the watchdog's probes can notice
    const lost = await statusWhere(conn, (s) => s.state === 'reconnecting');
    expect(lost.reason).toMatch(/no answer from the relay/);
    relay.muted = false;
    await statusWhere(conn, (s) => s.state === 'connected');
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'connected']));
    expect(relay.hellos.map((h) => h.kind)).toEqual([CredentialKind.TICKET, CredentialKind.RESUMPTION]);
  });

  test('a healthy idle connection answers the probes and never flaps to reconnecting', async () => {
    relay = await FakeRelay.start();
    conn = await RelayConnection.connect(options({ reconnectAfterMs: 600, probeAfterMs: 150, watchdogIntervalMs: 50 }));
    const states: string[] = [];
    conn.onStatus((s) => states.push(s.state));
    const session = relay.sessions()[0];
    const before = session.connection.snapshot().packetsReceived;
    // ~10 probes at one per 150 ms of silence span well over twice the reconnect threshold.
    await eventually(() => session.connection.snapshot().packetsReceived >= before + 10, 10_000);
    expect(states).not.toContain('reconnecting');
    expect(conn.status().state).toBe('connected');
    expect(relay.hellos).toHaveLength(1);
  });

  test('REVOKED: the stored credential is erased, pending requests fail, state closed with the reason', async () => {
    relay = await FakeRelay.start();
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') r.reply(welcome(String(r.msg.id)));
    };
    conn = await RelayConnection.connect(options());
    await eventually(async () => (await store.latestRelay()) !== undefined);
    const pending = conn.request({ type: 'CRON_LIST' }).catch((e: unknown) => e);
    await relay.until(() => (relay?.messages('CRON_LIST').length ?? 0) > 0);
    relay.closeAll(CloseCode.REVOKED, 'revoked by admin');
    const closed = await statusWhere(conn, (s) => s.state === 'closed');
    expect(closed.reason).toMatch(/revoked.*load a new \.sec/);
    expect(errorCode(await pending)).toBe(CONNECTION_LOST);
    await eventually(() => !existsSync(store.file));
    expect(existsSync(store.file)).toBe(false);
    await expect(conn.request({ type: 'CRON_LIST' })).rejects.toMatchObject({ code: CONNECTION_LOST });
  });

  test("rotate-identity: the relay's COMPROMISED reason tells it from a revocation, and the client says to fetch the new .sec and bootstrap key", async () => {
    for (const [reason, message] of [
      // apps/relay: rotateIdentity → revoke(peers, 'relay identity rotated')
      ["this device's credential was revoked (relay identity rotated); load a new .sec", ROTATED_MESSAGE],
      ["this device's credential was revoked (revoke laptop); load a new .sec", REVOKED_MESSAGE],
    ] as const) {
      relay = await FakeRelay.start();
      const relayKey = relay.relayKey.publicKey.toString('base64');
      conn = await RelayConnection.connect(options());
      await eventually(async () => (await store.latestRelay()) !== undefined);
      const session = relay.sessions()[0];
      relay.send(session, 0, { type: 'COMPROMISED', reason });
      session.close(CloseCode.REVOKED, 'credential revoked');
      const closed = await statusWhere(conn, (s) => s.state === 'closed');
      expect(closed.reason).toBe(message);
      await conn.close(); // waits for the state dir writes
      expect(existsSync(store.file)).toBe(false);
      // Only a rotation retires the relay's key (its .sec files are then refused before dialling).
      const retired = (await store.secHistory()).retiredRelays.map((r) => r.relayPublicKey);
      if (message === ROTATED_MESSAGE) expect(retired).toEqual([relayKey]);
      else expect(retired).not.toContain(relayKey);
      await relay.close();
      relay = undefined;
    }
    expect(ROTATED_MESSAGE).toMatch(/identity was rotated .* copy the new clawchat-current\.sec and the new bootstrap key \(bootstrap\.key in the relay's security folder/);
  });

  test('UNAVAILABLE at the first connect (the relay could not save): told so, the .sec is not marked used, no credential stored', async () => {
    relay = await FakeRelay.start();
    relay.refuseNextConfirm = { code: CloseCode.UNAVAILABLE, reason: 'the relay cannot save its list of devices right now (see its log); try again later' };
    const err = await RelayConnection.connect(options()).catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringMatching(/^the relay could not take this device right now \(the relay cannot save its list of devices.*\); the \.sec was not used up — try it again later$/) });
    expect(await store.latestRelay()).toBeUndefined();
    expect((await store.secHistory()).secs).toEqual([]);
    expect(relay.hellos).toHaveLength(1); // did not dial again with the void credential it was offered
  });

  test('IDENTITY_ROTATED close without the notice (it was lost): still told as a rotation, credential erased, relay key retired', async () => {
    relay = await FakeRelay.start();
    const relayKey = relay.relayKey.publicKey.toString('base64');
    conn = await RelayConnection.connect(options());
    await eventually(async () => (await store.latestRelay()) !== undefined);
    relay.closeAll(CloseCode.IDENTITY_ROTATED, 'credential revoked');
    const closed = await statusWhere(conn, (s) => s.state === 'closed');
    expect(closed.reason).toBe(ROTATED_MESSAGE);
    await conn.close();
    expect(existsSync(store.file)).toBe(false);
    expect((await store.secHistory()).retiredRelays.map((r) => r.relayPublicKey)).toEqual([relayKey]);
  });

  test('/compromised: COMPROMISED goes to the relay, the credential is erased, the relay closes with REVOKED', async () => {
    relay = await FakeRelay.start();
    const r0 = relay;
    relay.handler = (r) => {
      if (r.msg.type === 'HELLO') return r.reply(welcome(String(r.msg.id)));
      if (r.msg.type === 'COMPROMISED') {
        r.reply({ type: 'COMPROMISED', reason: 'keys destroyed' });
        r.session.close(CloseCode.REVOKED, 'revoked');
        r0.closeAll(CloseCode.REVOKED, 'revoked');
      }
    };
    conn = await RelayConnection.connect(options());
    const pushes: Message[] = [];
    conn.onPush((m) => pushes.push(m));
    await eventually(async () => (await store.latestRelay()) !== undefined);
    await conn.reportCompromised();
    expect(relay.messages('COMPROMISED')[0]).toMatchObject({ type: 'COMPROMISED', reason: expect.stringContaining('test-device') });
    expect(existsSync(store.file)).toBe(false);
    expect(conn.status().state).toBe('closed');
  });
});
