import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandbox } from '@clawchat/file-protocol';
import type { EncodableMessage } from '@clawchat/protocol';
import type { Route } from '../link/outbox';
import { memoryLogger } from '../log';
import { FakeOutbox } from '../testing/fake-outbox';
import { FileService } from './file-service';

/** Every FILE_DATA sent adds to the unacknowledged bytes until the test "acks" with drain(). */
class BufferingOutbox extends FakeOutbox {
  override send(route: Route, message: EncodableMessage): boolean {
    if (message.type === 'FILE_DATA') this.bufferedBytes += message.bytes.length;
    return super.send(route, message);
  }
}

const CHUNK = 64 * 1024;
const LIMIT = 200 * 1024;
let dir: string;
let outbox: BufferingOutbox;
let files: FileService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'llm-files-'));
  outbox = new BufferingOutbox();
  const sandbox = await Sandbox.open(dir, { chunkBytes: CHUNK });
  files = new FileService({ sandbox, outbox, log: memoryLogger(), bufferLimitBytes: LIMIT });
});
afterEach(() => {
  files.close();
  rmSync(dir, { recursive: true, force: true });
});

const route: Route = { client: '1:1', streamId: 7 };
const dataMessages = () => outbox.sent.filter((s) => s.message.type === 'FILE_DATA').map((s) => s.message as Extract<EncodableMessage, { type: 'FILE_DATA' }>);

test('a download stops reading while too much is unacknowledged and resumes on transport progress', async () => {
  const content = randomBytes(1024 * 1024);
  writeFileSync(join(dir, 'big.bin'), content);
  files.download({ type: 'FILE_DOWNLOAD', id: 'dl', path: 'big.bin' }, route);
  await outbox.until(() => outbox.progressWaiting > 0);
  // Paused just above the limit: at most one chunk past it.
  expect(outbox.bufferedBytes).toBeGreaterThan(LIMIT);
  expect(outbox.bufferedBytes).toBeLessThanOrEqual(LIMIT + CHUNK);
  const pausedAt = dataMessages().length;
  // Progress without acks (a timer fired, nothing acknowledged): still paused.
  outbox.drain(outbox.bufferedBytes);
  await outbox.until(() => outbox.progressWaiting > 0);
  expect(dataMessages()).toHaveLength(pausedAt);
  // Acks arrive until the end.
  while (!outbox.sent.some((s) => s.message.type === 'FILE_DONE')) {
    outbox.drain(0);
    await outbox.until(() => outbox.progressWaiting > 0 || outbox.sent.some((s) => s.message.type === 'FILE_DONE'));
  }
  const got = Buffer.concat(dataMessages().map((m) => Buffer.from(m.bytes)));
  expect(got.equals(content)).toBe(true);
  expect(outbox.sent[outbox.sent.length - 1].message).toEqual({ type: 'FILE_DONE', re: 'dl', size: content.length, sha256: createHash('sha256').update(content).digest('hex') });
});

test('a download stops when its client session ends', async () => {
  writeFileSync(join(dir, 'big.bin'), randomBytes(1024 * 1024));
  files.download({ type: 'FILE_DOWNLOAD', id: 'dl', path: 'big.bin' }, route);
  await outbox.until(() => outbox.progressWaiting > 0);
  const sent = outbox.sent.length;
  files.clientClosed('1:1');
  outbox.closedClients.add('1:1');
  outbox.drain(0);
  await new Promise((r) => setImmediate(r));
  expect(outbox.sent.length).toBe(sent);
});

test('a missing file ends the download with ERROR NOT_FOUND', async () => {
  files.download({ type: 'FILE_DOWNLOAD', id: 'dl', path: 'nope.txt' }, route);
  await outbox.until(() => outbox.answers('dl').length > 0);
  expect(outbox.answers('dl')[0]).toMatchObject({ type: 'ERROR', code: 'NOT_FOUND' });
});

test('upload: chunks then commit, verified; a fire-and-forget chunk failure is reported at commit', async () => {
  const data = Buffer.from('hello sandbox');
  const sha256 = createHash('sha256').update(data).digest('hex');
  const { upload, offset } = await files.upload({ type: 'FILE_UPLOAD', id: 'u', path: 'note.txt', size: data.length, sha256 });
  expect(offset).toBe(0);
  await files.chunk({ type: 'FILE_CHUNK', upload, offset: 0, bytes: data.subarray(0, 5) });
  // Wrong offset, no id: nothing to answer now...
  await expect(files.chunk({ type: 'FILE_CHUNK', upload, offset: 9, bytes: data.subarray(9) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  // ...so FILE_COMMIT says what went wrong.
  await expect(files.commit({ type: 'FILE_COMMIT', id: 'c', upload })).rejects.toThrow(/expects offset 5/);
  // Resume properly and commit.
  const resumed = await files.upload({ type: 'FILE_UPLOAD', id: 'u2', path: 'note.txt', size: data.length, sha256 });
  expect(resumed.offset).toBe(5);
  await files.chunk({ type: 'FILE_CHUNK', id: 'k', upload, offset: 5, bytes: data.subarray(5) });
  await expect(files.commit({ type: 'FILE_COMMIT', id: 'c2', upload })).resolves.toEqual({ path: 'note.txt', size: data.length, sha256 });
  await expect(files.stat({ type: 'FILE_STAT', id: 's', path: 'note.txt' })).resolves.toMatchObject({ path: 'note.txt', entry: { name: 'note.txt', kind: 'file', size: data.length, sha256 } });
  await expect(files.list({ type: 'FILE_LIST', id: 'l', path: '' })).resolves.toMatchObject({ entries: [{ name: 'note.txt' }] });
});
