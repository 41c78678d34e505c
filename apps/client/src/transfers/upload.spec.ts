import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTION_LOST, type Message } from '../connection/types';
import { FakeConnection, ok, requestError } from '../testing/fake-connection';
import { UPLOAD_CHUNK_BYTES } from './constants';
import { uploadFile } from './upload';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A fake server that keeps chunks per upload and verifies them on commit. */
function uploadServer(conn: FakeConnection, opts: { startOffset?: number; dropChunkAt?: number } = {}) {
  const state = { received: Buffer.alloc(0), expected: { size: 0, sha256: '' }, committed: false, opens: [] as Message[], chunkOffsets: [] as number[] };
  let dropped = false;
  conn.answer('FILE_UPLOAD', (msg) => {
    state.opens.push(msg);
    state.expected = { size: Number(msg.size), sha256: String(msg.sha256) };
    const offset = state.opens.length === 1 && opts.startOffset ? opts.startOffset : state.received.length;
    return ok({ upload: 'u1', offset });
  });
  conn.answer('FILE_CHUNK', (msg) => {
    const offset = Number(msg.offset);
    state.chunkOffsets.push(offset);
    if (!dropped && offset === opts.dropChunkAt) {
      dropped = true;
      throw requestError(CONNECTION_LOST, 'session dropped');
    }
    if (offset !== state.received.length) throw requestError('BAD_REQUEST', `chunk at ${offset}, expected ${state.received.length}`);
    state.received = Buffer.concat([state.received, msg.bytes as Uint8Array]);
    return ok({ received: state.received.length });
  });
  conn.answer('FILE_COMMIT', (msg) => {
    if (sha(state.received) !== state.expected.sha256) throw requestError('CHECKSUM_MISMATCH', 'bad');
    state.committed = true;
    return ok({ path: String(msg.upload), size: state.received.length, sha256: sha(state.received) });
  });
  return state;
}

describe('uploadFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-ul-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('announces size and sha256, sends every chunk in order and commits', async () => {
    const conn = new FakeConnection();
    const server = uploadServer(conn);
    const content = randomBytes(UPLOAD_CHUNK_BYTES * 2 + 777);
    const localPath = join(dir, 'big.bin');
    writeFileSync(localPath, content);
    const result = await uploadFile(conn, { localPath, remotePath: 'in/big.bin' });
    expect(server.opens[0]).toMatchObject({ path: 'in/big.bin', size: content.length, sha256: sha(content), overwrite: false });
    expect(server.received.equals(content)).toBe(true);
    expect(server.committed).toBe(true);
    expect(result.sha256).toBe(sha(content));
  });

  test('starts from the offset the server already holds', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(UPLOAD_CHUNK_BYTES + 100);
    const server = uploadServer(conn, { startOffset: UPLOAD_CHUNK_BYTES });
    server.received = Buffer.from(content.subarray(0, UPLOAD_CHUNK_BYTES));
    const localPath = join(dir, 'r.bin');
    writeFileSync(localPath, content);
    await uploadFile(conn, { localPath, remotePath: 'r.bin' });
    expect(server.chunkOffsets).toEqual([UPLOAD_CHUNK_BYTES]);
    expect(server.committed).toBe(true);
  });

  test('reopens the upload after the session dropped and continues where the server stopped', async () => {
    const conn = new FakeConnection();
    const content = randomBytes(UPLOAD_CHUNK_BYTES * 3);
    const server = uploadServer(conn, { dropChunkAt: UPLOAD_CHUNK_BYTES * 2 });
    const localPath = join(dir, 'd.bin');
    writeFileSync(localPath, content);
    await uploadFile(conn, { localPath, remotePath: 'd.bin' });
    expect(server.opens).toHaveLength(2);
    expect(server.received.equals(content)).toBe(true);
    expect(server.committed).toBe(true);
  });

  test('a missing local file is a one-line NOT_FOUND', async () => {
    const conn = new FakeConnection();
    await expect(uploadFile(conn, { localPath: join(dir, 'nope'), remotePath: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(conn.sent).toHaveLength(0);
  });
});
