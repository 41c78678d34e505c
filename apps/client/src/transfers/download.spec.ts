import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTION_LOST } from '../connection/types';
import { FakeConnection, requestError } from '../testing/fake-connection';
import { PARTIAL_DOWNLOAD_SUFFIX } from './constants';
import { downloadFile } from './download';
import type { TransferProgress } from './types';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A fake server answering FILE_DOWNLOAD from `content` in `pieceSize` pieces. */
function serveFile(conn: FakeConnection, content: Buffer, pieceSize = 1000) {
  const offsets: number[] = [];
  conn.answer('FILE_DOWNLOAD', (msg, piece) => {
    const offset = Number(msg.offset ?? 0);
    offsets.push(offset);
    for (let at = offset; at < content.length; at += pieceSize) {
      piece({ type: 'FILE_DATA', offset: at, bytes: new Uint8Array(content.subarray(at, at + pieceSize)) });
    }
    return { type: 'FILE_DONE', size: content.length, sha256: sha(content) };
  });
  return offsets;
}

describe('downloadFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-dl-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes all pieces, verifies sha256 and renames the part file into place', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(10_500);
    serveFile(conn, content);
    const progress: TransferProgress[] = [];
    const localPath = join(dir, 'a.bin');
    const result = await downloadFile(conn, { remotePath: 'docs/a.bin', localPath, expectedSize: content.length, onProgress: (p) => progress.push(p) });
    expect(readFileSync(localPath).equals(content)).toBe(true);
    expect(existsSync(localPath + PARTIAL_DOWNLOAD_SUFFIX)).toBe(false);
    expect(result.sha256).toBe(sha(content));
    expect(conn.sent[0]).toMatchObject({ type: 'FILE_DOWNLOAD', path: 'docs/a.bin', offset: 0 });
    const transferring = progress.filter((p) => p.phase === 'transferring');
    expect(transferring.map((p) => p.bytesDone)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 10500]);
    expect(transferring[0].totalBytes).toBe(10_500);
  });

  test('resumes from the bytes already in the part file', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(5000);
    const offsets = serveFile(conn, content);
    const localPath = join(dir, 'b.bin');
    writeFileSync(localPath + PARTIAL_DOWNLOAD_SUFFIX, content.subarray(0, 1234));
    await downloadFile(conn, { remotePath: 'b.bin', localPath });
    expect(offsets).toEqual([1234]);
    expect(readFileSync(localPath).equals(content)).toBe(true);
  });

  test('resumes at the current offset after the session dropped', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(8000);
    const offsets: number[] = [];
    conn.answer('FILE_DOWNLOAD', (msg, piece) => {
      const offset = Number(msg.offset);
      offsets.push(offset);
      const end = offsets.length === 1 ? 3000 : content.length;
      for (let at = offset; at < end; at += 1000) piece({ type: 'FILE_DATA', offset: at, bytes: content.subarray(at, at + 1000) });
      if (offsets.length === 1) {
        conn.setStatus({ state: 'reconnecting' });
        setImmediate(() => conn.setStatus({ state: 'connected' }));
        throw requestError(CONNECTION_LOST, 'session dropped');
      }
      return { type: 'FILE_DONE', size: content.length, sha256: sha(content) };
    });
    const localPath = join(dir, 'c.bin');
    await downloadFile(conn, { remotePath: 'c.bin', localPath });
    expect(offsets).toEqual([0, 3000]);
    expect(readFileSync(localPath).equals(content)).toBe(true);
  });

  test('skips the overlapping head of a resent piece', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(3000);
    conn.answer('FILE_DOWNLOAD', (_msg, piece) => {
      piece({ type: 'FILE_DATA', offset: 0, bytes: content.subarray(0, 2000) });
      piece({ type: 'FILE_DATA', offset: 1000, bytes: content.subarray(1000, 3000) });
      return { type: 'FILE_DONE', size: 3000, sha256: sha(content) };
    });
    const localPath = join(dir, 'd.bin');
    await downloadFile(conn, { remotePath: 'd.bin', localPath });
    expect(readFileSync(localPath).equals(content)).toBe(true);
  });

  test('a sha256 mismatch fails with CHECKSUM_MISMATCH and leaves no file behind', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(2000);
    conn.answer('FILE_DOWNLOAD', (_msg, piece) => {
      piece({ type: 'FILE_DATA', offset: 0, bytes: content });
      return { type: 'FILE_DONE', size: 2000, sha256: sha(Buffer.from('something else')) };
    });
    const localPath = join(dir, 'e.bin');
    await expect(downloadFile(conn, { remotePath: 'e.bin', localPath })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect(existsSync(localPath)).toBe(false);
    expect(existsSync(localPath + PARTIAL_DOWNLOAD_SUFFIX)).toBe(false);
  });

  test('refuses to replace an existing local file unless asked', async () => {
    const conn = new FakeConnection();
    serveFile(conn, Buffer.from('new'));
    const localPath = join(dir, 'f.txt');
    writeFileSync(localPath, 'old');
    await expect(downloadFile(conn, { remotePath: 'f.txt', localPath })).rejects.toMatchObject({ code: 'EXISTS' });
    await downloadFile(conn, { remotePath: 'f.txt', localPath, overwrite: true });
    expect(readFileSync(localPath, 'utf8')).toBe('new');
  });

  test('a remote error is passed through without retrying', async () => {
    const conn = new FakeConnection();
    conn.answer('FILE_DOWNLOAD', () => {
      throw requestError('NOT_FOUND', 'x does not exist');
    });
    await expect(downloadFile(conn, { remotePath: 'x', localPath: join(dir, 'x') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(conn.sent).toHaveLength(1);
  });
});
