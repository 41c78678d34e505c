/**
 * One valid message per type, with every optional field present, for tests (here and in other
 * projects that want realistic messages). Not part of the runtime path.
 */
import { createHash } from 'node:crypto';
import { FRAME_PREFIX_BYTES } from './constants';
import type { Message, MessageOf, MessageType, OkRequestType, OkResultMap } from './types';

const chunk = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) & 0xff);
const sha = createHash('sha256').update(chunk).digest('hex');

export const MESSAGE_FIXTURES: { [T in MessageType]: MessageOf<T> } = {
  HELLO: { type: 'HELLO', id: 'h3llo_ID-01', version: 1, client: 'clawchat/0.1.0', capabilities: ['chat.queue', 'files.resume'], device: 'laptop' },
  WELCOME: {
    type: 'WELCOME',
    re: 'h3llo_ID-01',
    versions: [1],
    provider: 'offline',
    model: 'offline-echo',
    offline: true,
    session: { turns: 12, startedAt: 1_700_000_000_000 },
  },
  CLIENT_OPEN: { type: 'CLIENT_OPEN', sessionId: 'sess01', device: 'laptop', fingerprint: 'SHA256:ab12cd34' },
  CLIENT_CLOSE: { type: 'CLIENT_CLOSE', sessionId: 'sess01', reason: 'idle timeout' },
  PING: { type: 'PING', id: 'ping1', t: 1_700_000_000_123 },
  PONG: { type: 'PONG', re: 'ping1', t: 1_700_000_000_123 },
  STATUS: { type: 'STATUS', id: 'st1' },
  COMPROMISED: { type: 'COMPROMISED', reason: 'revoked by clawchat-relay revoke --all' },
  ERROR: { type: 'ERROR', re: 'chat1', code: 'RATE_LIMITED', message: 'Provider rate limit reached: retry in 20 s.', retryAfterMs: 20_000 },
  OK: { type: 'OK', re: 'st1', result: { uptimeMs: 1000, keyAgeMs: 10, nextRekeyMs: 3_599_990, peers: 1, llmReachable: true } },
  CHAT: { type: 'CHAT', id: 'chat1', text: 'Hello\nwörld ✓ 🎉', attachments: ['notes/todo.md', 'a b/c.txt'] },
  CHAT_QUEUED: { type: 'CHAT_QUEUED', re: 'chat1', position: 2 },
  CHAT_DELTA: { type: 'CHAT_DELTA', re: 'chat1', text: 'Hel' },
  CHAT_DONE: {
    type: 'CHAT_DONE',
    re: 'chat1',
    text: 'Hello there.',
    question: 'Hello',
    usage: { inputTokens: 120, outputTokens: 4 },
    provider: 'deepseek',
    model: 'deepseek-chat',
    cancelled: false,
  },
  CHAT_CANCEL: { type: 'CHAT_CANCEL', id: 'cancel1', re: 'chat1' },
  CHAT_HISTORY: { type: 'CHAT_HISTORY', id: 'hist1', before: 40, limit: 20 },
  SESSION_RESET: { type: 'SESSION_RESET', id: 'reset1' },
  FILE_LIST: { type: 'FILE_LIST', id: 'ls1', path: 'docs' },
  FILE_STAT: { type: 'FILE_STAT', id: 'stat1', path: 'docs/readme.md' },
  FILE_DOWNLOAD: { type: 'FILE_DOWNLOAD', id: 'dl1', path: 'big.bin', offset: 262_144, length: 1_048_576 },
  FILE_DATA: { type: 'FILE_DATA', re: 'dl1', offset: 262_144, bytes: chunk },
  FILE_DONE: { type: 'FILE_DONE', re: 'dl1', size: 1024, sha256: sha },
  FILE_UPLOAD: { type: 'FILE_UPLOAD', id: 'up1', path: 'in/photo.jpg', size: 1024, sha256: sha, overwrite: true },
  FILE_CHUNK: { type: 'FILE_CHUNK', id: 'chunk1', upload: 'u-7f3a', offset: 0, bytes: chunk },
  FILE_COMMIT: { type: 'FILE_COMMIT', id: 'commit1', upload: 'u-7f3a' },
  FILE_DELETE: { type: 'FILE_DELETE', id: 'rm1', path: 'old', recursive: true },
  FILE_MKDIR: { type: 'FILE_MKDIR', id: 'mkdir1', path: 'new/dir' },
  FILE_MOVE: { type: 'FILE_MOVE', id: 'mv1', path: 'a.txt', to: 'b.txt', overwrite: false },
  CRON_LIST: { type: 'CRON_LIST', id: 'cl1' },
  CRON_RUN: { type: 'CRON_RUN', id: 'cr1', name: 'Morning briefing' },
  CRON_RELOAD: { type: 'CRON_RELOAD', id: 'crl1' },
  CRON_LOG: { type: 'CRON_LOG', id: 'clog1', name: 'Morning briefing', limit: 10 },
  CRON_ENABLE: { type: 'CRON_ENABLE', id: 'ce1', name: 'Morning briefing' },
  CRON_DISABLE: { type: 'CRON_DISABLE', id: 'cd1', name: 'Morning briefing' },
  CRON_EVENT: { type: 'CRON_EVENT', job: 'Morning briefing', event: 'finished', runId: 'run-42', status: 'ok', output: 'All quiet.', at: 1_700_000_360_000 },
  CRON_CHANGED: { type: 'CRON_CHANGED', jobs: 3, errors: 1 },
};

export const ALL_FIXTURES: Message[] = Object.values(MESSAGE_FIXTURES);

/** One valid OK result per request type answered with OK. */
export const OK_RESULT_FIXTURES: { [T in OkRequestType]: OkResultMap[T] } = {
  STATUS: { uptimeMs: 1000, keyAgeMs: 10, nextRekeyMs: 3_599_990, peers: 1, llmReachable: true },
  CHAT_CANCEL: {},
  CHAT_HISTORY: {
    turns: [
      { index: 38, id: 'chat0', question: 'Hi', answer: 'Hello!', at: 1_700_000_000_000, provider: 'offline', model: 'offline-echo' },
      { index: 39, id: 'chat1', question: 'Stop', answer: 'Sure', at: 1_700_000_001_000, provider: 'offline', model: 'offline-echo', cancelled: true },
    ],
    more: true,
  },
  SESSION_RESET: { archivedTurns: 40, startedAt: 1_700_000_002_000 },
  FILE_LIST: {
    path: 'docs',
    entries: [
      { name: 'readme.md', kind: 'file', size: 1234, mtime: 1_700_000_000_000 },
      { name: 'img', kind: 'dir', size: 0, mtime: 1_700_000_000_000 },
    ],
  },
  FILE_STAT: { path: 'docs/readme.md', entry: { name: 'readme.md', kind: 'file', size: 1024, mtime: 1_700_000_000_000, sha256: sha } },
  FILE_UPLOAD: { upload: 'u-7f3a', offset: 524_288 },
  FILE_CHUNK: { received: 786_432 },
  FILE_COMMIT: { path: 'in/photo.jpg', size: 1024, sha256: sha },
  FILE_DELETE: {},
  FILE_MKDIR: {},
  FILE_MOVE: {},
  CRON_LIST: {
    jobs: [
      {
        name: 'Morning briefing',
        schedule: '0 9 * * 1-5',
        enabled: true,
        next_run: 1_700_035_200_000,
        last_run: null,
        last_status: null,
        missed_policy: 'once',
      },
    ],
    errors: [{ line: 17, job: 'Broken', message: 'schedule: expected 5 or 6 fields' }],
  },
  CRON_RUN: { runId: 'run-43' },
  CRON_RELOAD: { jobs: 3, errors: [] },
  CRON_LOG: {
    runs: [
      { runId: 'run-43', startedAt: 1_700_000_000_000, finishedAt: null, status: null, output: '' },
      { runId: 'run-42', startedAt: 1_699_990_000_000, finishedAt: 1_699_990_004_000, status: 'ok', output: 'All quiet.' },
    ],
  },
  CRON_ENABLE: { name: 'Morning briefing', enabled: true },
  CRON_DISABLE: { name: 'Morning briefing', enabled: false },
};

/** Builds a frame by hand (header given as an object or as raw JSON text), so tests can produce what encodeMessage refuses to. */
export function rawFrame(header: unknown, tail: Uint8Array = new Uint8Array(0), version = 1): Buffer {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  prefix.writeUInt8(version, 0);
  prefix.writeUInt32BE(json.length, 1);
  return Buffer.concat([prefix, json, tail]);
}
