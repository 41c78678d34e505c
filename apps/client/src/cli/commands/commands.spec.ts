import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  describe('local paths and flag hints', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'clawchat-cli-files-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const uploadServer = (conn: FakeConnection) =>
      conn
        .answer('FILE_UPLOAD', (msg) => {
          if (msg.path === 'taken.bin' && msg.overwrite !== true) throw requestError('EXISTS', '"taken.bin" already exists.');
          return ok({ upload: 'u1', offset: 0 });
        })
        .answer('FILE_CHUNK', () => ok({ received: 3 }))
        .answer('FILE_COMMIT', () => ok({ path: 'x', size: 3, sha256: createHash('sha256').update('abc').digest('hex') }));

    test('put and get resolve relative local paths against the given base (the user\'s folder)', async () => {
      writeFileSync(join(dir, 'big.bin'), 'abc');
      const conn = uploadServer(new FakeConnection());
      const io = capture(true);
      await runFiles(conn, { kind: 'files', action: 'put', local: 'big.bin', overwrite: false }, io, dir);
      expect(JSON.parse(io.out())).toMatchObject({ localPath: join(dir, 'big.bin'), remotePath: 'big.bin' });
      conn.answer('FILE_DOWNLOAD', (_msg, piece) => {
        piece({ type: 'FILE_DATA', offset: 0, bytes: Buffer.from('abc') });
        return { type: 'FILE_DONE', size: 3, sha256: createHash('sha256').update('abc').digest('hex') };
      });
      // A destination ending in / is a folder, created when missing.
      await runFiles(conn, { kind: 'files', action: 'get', remote: 'docs/r.txt', local: 'new/sub/', overwrite: false }, capture(), dir);
      expect(readFileSync(join(dir, 'new', 'sub', 'r.txt'), 'utf8')).toBe('abc');
    });

    test('EXISTS on put, get and mv names -f; EXISTS on rm (a folder that is not empty) names -r', async () => {
      writeFileSync(join(dir, 'taken.bin'), 'abc');
      const conn = uploadServer(new FakeConnection())
        .answer('FILE_DELETE', (msg) => {
          if (msg.recursive !== true) throw requestError('EXISTS', '"d1" is a folder and is not empty.');
          return ok();
        })
        .answer('FILE_MOVE', (msg) => {
          if (msg.overwrite !== true) throw requestError('EXISTS', '"b" already exists.');
          return ok();
        });
      const put = runFiles(conn, { kind: 'files', action: 'put', local: 'taken.bin', overwrite: false }, capture(), dir);
      await expect(put).rejects.toMatchObject({ code: 'EXISTS', message: '"taken.bin" already exists. Use -f to replace it.' });
      const get = runFiles(conn, { kind: 'files', action: 'get', remote: 'taken.bin', overwrite: false }, capture(), dir);
      await expect(get).rejects.toMatchObject({ code: 'EXISTS', message: `${join(dir, 'taken.bin')} already exists. Use -f to replace it.` });
      const mv = runFiles(conn, { kind: 'files', action: 'mv', from: 'a', to: 'b', overwrite: false }, capture(), dir);
      await expect(mv).rejects.toMatchObject({ code: 'EXISTS', message: '"b" already exists. Use -f to replace it.' });
      const rm = runFiles(conn, { kind: 'files', action: 'rm', path: 'd1', recursive: false }, capture(), dir);
      await expect(rm).rejects.toMatchObject({
        code: 'EXISTS',
        message: '"d1" is a folder and is not empty. Use -r to delete it and everything inside it: clawchat files rm -r d1',
      });
      // With the flag given, the answer passes as it is.
      await runFiles(conn, { kind: 'files', action: 'put', local: 'taken.bin', overwrite: true }, capture(), dir);
      await runFiles(conn, { kind: 'files', action: 'rm', path: 'd1', recursive: true }, capture(), dir);
    });
  });

  test('cron ls pads every column to its widest cell', async () => {
    const conn = new FakeConnection().answer('CRON_LIST', () =>
      ok({
        jobs: [
          { name: 'Weekly review', schedule: '0 9 * * 1', enabled: true, next_run: Date.UTC(2030, 0, 7, 9, 0, 0, 123), last_run: Date.UTC(2029, 11, 31, 9, 0, 1, 456), last_status: 'ok', missed_policy: 'skip' },
          { name: 'b', schedule: '*/5 * * * *', enabled: false, next_run: null, last_run: null, last_status: 'error', missed_policy: 'skip' },
        ],
        errors: [],
      }),
    );
    const io = capture();
    await runCron(conn, { kind: 'cron', action: 'ls' }, io);
    const lines = io.out().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    // Each column starts at the same offset on every line.
    for (const heading of ['schedule', 'enabled', 'next run', 'last run', 'last status']) {
      const at = lines[0].indexOf(heading);
      for (const line of lines.slice(1)) expect(line.slice(at - 2, at)).toBe('  ');
      for (const line of lines.slice(1)) expect(line[at]).not.toBe(' ');
    }
    expect(lines[1]).toContain('2030-01-07T09:00:00Z  2029-12-31T09:00:01Z  ok');
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
