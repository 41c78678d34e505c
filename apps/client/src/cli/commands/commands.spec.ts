import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { FakeConnection, ok, requestError } from '../../testing/fake-connection';
import type { Io } from '../io';
import { runCron } from './cron';
import { remotePath, runFiles } from './files';
import { runSend } from './send';
import { runStatus } from './status';

function capture(json = false): Io & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, json, out: () => out, err: () => err };
}

const chatServer = (conn: FakeConnection) =>
  conn.answer('CHAT', (msg, piece) => {
    piece({ type: 'CHAT_QUEUED', position: 1 });
    piece({ type: 'CHAT_DELTA', text: 'Hel' });
    piece({ type: 'CHAT_DELTA', text: 'lo' });
    return { type: 'CHAT_DONE', text: 'Hello!', provider: 'offline', model: 'echo', usage: { inputTokens: 1, outputTokens: 2 } };
  });

describe('send', () => {
  test('streams deltas to stdout; the full reply completes what the deltas missed', async () => {
    const conn = chatServer(new FakeConnection());
    const io = capture();
    expect(await runSend(conn, 'hi', io, new EventEmitter())).toBe(0);
    expect(io.out()).toBe('Hello!\n');
    expect(io.err()).toMatch(/queued/);
    expect(conn.sent[0]).toMatchObject({ type: 'CHAT', text: 'hi' });
  });

  test('--json: one object per line, a final object with the full reply', async () => {
    const conn = chatServer(new FakeConnection());
    const io = capture(true);
    await runSend(conn, 'hi', io, new EventEmitter());
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { type: 'queued', position: 1 },
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
      { type: 'done', id: conn.sent[0].id, text: 'Hello!', provider: 'offline', model: 'echo', usage: { inputTokens: 1, outputTokens: 2 } },
    ]);
  });

  test('Ctrl+C sends CHAT_CANCEL for the turn; a cancelled reply exits 1', async () => {
    const conn = new FakeConnection().answer('CHAT_CANCEL', () => ok());
    const signals = new EventEmitter();
    const io = capture();
    const result = runSend(conn, 'long', io, signals);
    const chat = await conn.nextRequest('CHAT');
    conn.piece(chat.msg.id, { type: 'CHAT_DELTA', text: 'part' });
    signals.emit('SIGINT');
    await new Promise((r) => setImmediate(r));
    expect(conn.sent.find((m) => m.type === 'CHAT_CANCEL')).toMatchObject({ re: chat.msg.id });
    conn.finish(chat.msg.id, { type: 'CHAT_DONE', text: 'part', cancelled: true, provider: 'p', model: 'm' });
    expect(await result).toBe(1);
    expect(io.out()).toBe('part\n');
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  test('an ERROR end rejects (the caller maps it to exit 1)', async () => {
    const conn = new FakeConnection().answer('CHAT', () => {
      throw requestError('PROVIDER_ERROR', 'the provider said no');
    });
    await expect(runSend(conn, 'x', capture(), new EventEmitter())).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});

describe('files, cron, status', () => {
  test('files ls lists folders first; remote paths drop a leading slash', async () => {
    const conn = new FakeConnection().answer('FILE_LIST', (msg) =>
      ok({
        path: msg.path,
        entries: [
          { name: 'b.txt', kind: 'file', size: 2048, mtime: Date.UTC(2024, 0, 2, 3, 4) },
          { name: 'a', kind: 'dir', size: 0, mtime: Date.UTC(2024, 0, 1) },
        ],
      }),
    );
    const io = capture();
    await runFiles(conn, { kind: 'files', action: 'ls', path: '/docs/' }, io, '/tmp');
    expect(conn.sent[0]).toMatchObject({ type: 'FILE_LIST', path: 'docs' });
    expect(io.out().split('\n')).toEqual(['d          -  2024-01-01 00:00  a/', '-    2.0 KiB  2024-01-02 03:04  b.txt', '']);
    expect(remotePath('./x/y/')).toBe('x/y');
  });

  test('files rm/mkdir/mv send the catalogue messages', async () => {
    const conn = new FakeConnection().answer('FILE_DELETE', () => ok()).answer('FILE_MKDIR', () => ok()).answer('FILE_MOVE', () => ok());
    const io = capture(true);
    await runFiles(conn, { kind: 'files', action: 'rm', path: 'old', recursive: true }, io, '/');
    await runFiles(conn, { kind: 'files', action: 'mkdir', path: 'new' }, io, '/');
    await runFiles(conn, { kind: 'files', action: 'mv', from: 'a', to: 'b', overwrite: false }, io, '/');
    expect(conn.sent.map(({ id: _id, ...m }) => m)).toEqual([
      { type: 'FILE_DELETE', path: 'old', recursive: true },
      { type: 'FILE_MKDIR', path: 'new' },
      { type: 'FILE_MOVE', path: 'a', to: 'b' },
    ]);
  });

  test('cron ls prints jobs and parse errors; cron log prints runs newest first', async () => {
    const conn = new FakeConnection()
      .answer('CRON_LIST', () =>
        ok({
          jobs: [{ name: 'backup', schedule: '0 3 * * *', enabled: true, next_run: Date.UTC(2030, 0, 1, 3), last_run: null, last_status: null, missed_policy: 'skip' }],
          errors: [{ line: 7, message: 'bad schedule' }],
        }),
      )
      .answer('CRON_LOG', () => ok({ runs: [{ runId: 'r2', startedAt: Date.UTC(2024, 0, 1), finishedAt: null, status: null, output: '' }] }));
    const io = capture();
    await runCron(conn, { kind: 'cron', action: 'ls' }, io);
    await runCron(conn, { kind: 'cron', action: 'log', name: 'backup', limit: 5 }, io);
    expect(io.out()).toContain('backup  0 3 * * *  yes      2030-01-01T03:00:00Z');
    expect(io.out()).toContain('CRON.md line 7: bad schedule');
    expect(io.out()).toContain('── 2024-01-01T00:00:00Z · running · run r2 ──\n(no output)');
    expect(conn.sent.at(-1)).toMatchObject({ type: 'CRON_LOG', name: 'backup', limit: 5 });
  });

  test('status combines the relay answer with the local view', async () => {
    const conn = new FakeConnection({ relay: '1.2.3.4:5', rttMs: 12.34, provider: 'offline', model: 'echo', offline: true }).answer('STATUS', () =>
      ok({ uptimeMs: 3_600_000, keyAgeMs: 60_000, nextRekeyMs: 3_000_000, peers: 2, llmReachable: true }),
    );
    const io = capture();
    await runStatus(conn, io);
    expect(io.out()).toContain('relay       1.2.3.4:5 (connected, rtt 12.3 ms)');
    expect(io.out()).toContain('llm server  reachable, offline/echo [offline provider]');
    const json = capture(true);
    await runStatus(conn, json);
    expect(JSON.parse(json.out())).toMatchObject({ relay: '1.2.3.4:5', peers: 2, llmReachable: true, offline: true });
  });
});
