import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTION_LOST } from '../connection/types';
import { FakeConnection, requestError } from '../testing/fake-connection';
import { PARTIAL_DOWNLOAD_SUFFIX } from './constants';
import { downloadFile } from './download';
import { LOCAL_FILE_ERROR } from './local-files';
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

  test('a download that fails before its first byte leaves no part file; one holding bytes stays for resume', async () => {
    const conn = new FakeConnection();
    conn.answer('FILE_DOWNLOAD', () => {
      throw requestError('OUTSIDE_SANDBOX', 'outside the shared folder');
    });
    const fresh = join(dir, 'passwd');
    await expect(downloadFile(conn, { remotePath: '../../etc/passwd', localPath: fresh })).rejects.toMatchObject({ code: 'OUTSIDE_SANDBOX' });
    expect(readdirSync(dir)).toEqual([]);
    const resumable = join(dir, 'half.bin');
    writeFileSync(resumable + PARTIAL_DOWNLOAD_SUFFIX, 'first half');
    await expect(downloadFile(conn, { remotePath: 'half.bin', localPath: resumable })).rejects.toMatchObject({ code: 'OUTSIDE_SANDBOX' });
    expect(readFileSync(resumable + PARTIAL_DOWNLOAD_SUFFIX, 'utf8')).toBe('first half');
  });

  test('creates a missing download folder (and its parents)', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(3000);
    serveFile(conn, content);
    const localPath = join(dir, '.clawchat-dev', 'downloads', 'blob.bin');
    await downloadFile(conn, { remotePath: 'blob.bin', localPath });
    expect(readFileSync(localPath).equals(content)).toBe(true);
  });

  test('a local disk failure is one line naming the target, never the part file', async () => {
    const conn = new FakeConnection();
    serveFile(conn, randomBytes(100));
    writeFileSync(join(dir, 'plain-file'), 'x');
    const underFile = join(dir, 'plain-file', 'blob.bin');
    const err = await downloadFile(conn, { remotePath: 'blob.bin', localPath: underFile }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: LOCAL_FILE_ERROR, message: `cannot save ${underFile}: part of the path is a file, not a folder; choose another folder` });
    // The part file's name is taken by a folder: the open fails, and the message still names the target.
    const blocked = join(dir, 'c.bin');
    mkdirSync(blocked + PARTIAL_DOWNLOAD_SUFFIX);
    const err2 = (await downloadFile(conn, { remotePath: 'c.bin', localPath: blocked }).catch((e: unknown) => e)) as Error;
    expect(err2).toMatchObject({ code: LOCAL_FILE_ERROR });
    expect(err2.message).toMatch(new RegExp(`^cannot save ${blocked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(err2.message).not.toContain(PARTIAL_DOWNLOAD_SUFFIX);
    expect(err2.message).not.toContain('\n');
  });
});
