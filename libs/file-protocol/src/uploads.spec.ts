import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtocolError } from '@clawchat/protocol';
import { Sandbox } from './sandbox';
import { uploadIdFor } from './upload-staging';
import { OffsetMismatchError } from './uploads';
import { makeTempDir, patternBytes, rejectionCode, removeDir, sha256Hex } from './test-support';

let base: string;
let root: string;
let staging: string;

beforeEach(() => {
  base = makeTempDir('upload');
  root = join(base, 'root');
  staging = join(root, '.clawchat-uploads');
  mkdirSync(join(root, 'docs'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside/secret.txt'), 'TOP SECRET');
});

afterEach(() => removeDir(base));

async function sendAll(sandbox: Sandbox, uploadId: string, content: Buffer, from: number, chunk: number): Promise<void> {
  for (let offset = from; offset < content.length; offset += chunk) {
    const { offset: next } = await sandbox.writeChunk(uploadId, offset, content.subarray(offset, offset + chunk));
    expect(next).toBe(Math.min(content.length, offset + chunk));
  }
}

describe('a plain upload', () => {
  test('chunks then commit place the exact file and leave no temp files', async () => {
    const sandbox = await Sandbox.open(root);
    const content = patternBytes(200_000, 5);
    const begun = await sandbox.beginUpload({ path: 'docs/report.bin', size: content.length, sha256: sha256Hex(content) });
    expect(begun).toEqual({ uploadId: uploadIdFor('docs/report.bin', content.length, sha256Hex(content)), offset: 0 });
    await sendAll(sandbox, begun.uploadId, content, 0, 65_536);
    expect(existsSync(join(root, 'docs/report.bin'))).toBe(false); // nothing under the final name before commit
    expect(await sandbox.commit(begun.uploadId)).toEqual({ path: 'docs/report.bin', size: content.length, sha256: sha256Hex(content) });
    expect(readFileSync(join(root, 'docs/report.bin')).equals(content)).toBe(true);
    expect(statSync(join(root, 'docs/report.bin')).nlink).toBe(1);
    expect(readdirSync(staging)).toEqual([]);
    expect((await sandbox.list('')).map((e) => e.name)).toEqual(['docs']);
    expect(await rejectionCode(sandbox.commit(begun.uploadId))).toBe('NOT_FOUND');
  });

  test('an empty file, and an upper-case sha256', async () => {
    const sandbox = await Sandbox.open(root);
    const begun = await sandbox.beginUpload({ path: 'empty.txt', size: 0, sha256: sha256Hex('').toUpperCase() });
    await sandbox.commit(begun.uploadId);
    expect(readFileSync(join(root, 'empty.txt')).length).toBe(0);
  });

  test('pipelined chunks (not awaited one by one) are written in order', async () => {
    const sandbox = await Sandbox.open(root);
    const content = patternBytes(40_000, 9);
    const { uploadId } = await sandbox.beginUpload({ path: 'p.bin', size: content.length, sha256: sha256Hex(content) });
    await Promise.all([0, 10_000, 20_000, 30_000].map((o) => sandbox.writeChunk(uploadId, o, content.subarray(o, o + 10_000))));
    await sandbox.commit(uploadId);
    expect(readFileSync(join(root, 'p.bin')).equals(content)).toBe(true);
  });
});

describe('resume', () => {
  test('an upload interrupted half-way resumes in a new Sandbox to a byte-identical file', async () => {
    const content = patternBytes(1_000_003, 13);
    const request = { path: 'docs/video.bin', size: content.length, sha256: sha256Hex(content) };
    const first = await Sandbox.open(root, { chunkBytes: 1000 });
    const begun = await first.beginUpload(request);
    await sendAll(first, begun.uploadId, content.subarray(0, 500_000), 0, 65_536);

    const second = await Sandbox.open(root); // e.g. after a server restart
    const resumed = await second.beginUpload(request);
    expect(resumed).toEqual({ uploadId: begun.uploadId, offset: 500_000 });
    await sendAll(second, resumed.uploadId, content, resumed.offset, 65_536);
    await second.commit(resumed.uploadId);
    expect(readFileSync(join(root, 'docs/video.bin')).equals(content)).toBe(true);
  });

  test('a chunk at the wrong offset is refused with the expected offset and changes nothing', async () => {
    const sandbox = await Sandbox.open(root);
    const content = patternBytes(3000);
    const { uploadId } = await sandbox.beginUpload({ path: 'x.bin', size: 3000, sha256: sha256Hex(content) });
    await sandbox.writeChunk(uploadId, 0, content.subarray(0, 1000));
    for (const wrong of [0, 500, 2000]) {
      const err = await sandbox.writeChunk(uploadId, wrong, content.subarray(wrong, wrong + 1000)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OffsetMismatchError);
      expect((err as OffsetMismatchError).code).toBe('BAD_REQUEST');
      expect((err as OffsetMismatchError).expectedOffset).toBe(1000);
      expect((err as Error).message).toMatch(/expects offset 1000/);
    }
    expect(await rejectionCode(sandbox.writeChunk(uploadId, 1000, Buffer.alloc(2001)))).toBe('BAD_REQUEST'); // past declared size
    expect(await rejectionCode(sandbox.commit(uploadId))).toBe('BAD_REQUEST'); // incomplete
    expect(existsSync(join(root, 'x.bin'))).toBe(false);
    expect((await sandbox.beginUpload({ path: 'x.bin', size: 3000, sha256: sha256Hex(content) })).offset).toBe(1000);
  });

  test('a different size or sha256 for the same path is a different upload', async () => {
    const sandbox = await Sandbox.open(root);
    const a = await sandbox.beginUpload({ path: 'f', size: 10, sha256: sha256Hex('a') });
    await sandbox.writeChunk(a.uploadId, 0, Buffer.alloc(5));
    const b = await sandbox.beginUpload({ path: 'f', size: 10, sha256: sha256Hex('b') });
    expect(b.uploadId).not.toBe(a.uploadId);
    expect(b.offset).toBe(0);
  });

  test('abort and prune drop unfinished uploads', async () => {
    const sandbox = await Sandbox.open(root);
    const a = await sandbox.beginUpload({ path: 'a', size: 10, sha256: sha256Hex('a') });
    const b = await sandbox.beginUpload({ path: 'b', size: 10, sha256: sha256Hex('b') });
    await sandbox.abortUpload(a.uploadId);
    expect(await rejectionCode(sandbox.writeChunk(a.uploadId, 0, Buffer.alloc(1)))).toBe('NOT_FOUND');
    expect(await sandbox.pruneStaleUploads(Date.now() - 60_000)).toBe(0);
    expect(await sandbox.pruneStaleUploads(Date.now() + 60_000)).toBe(1);
    expect(await rejectionCode(sandbox.commit(b.uploadId))).toBe('NOT_FOUND');
    expect(readdirSync(staging)).toEqual([]);
  });
});

describe('checksum and overwrite', () => {
  test('a checksum mismatch never places a file and deletes the temp file', async () => {
    const sandbox = await Sandbox.open(root);
    const { uploadId } = await sandbox.beginUpload({ path: 'docs/a.txt', size: 5, sha256: sha256Hex('hello') });
    await sandbox.writeChunk(uploadId, 0, Buffer.from('jello'));
    expect(await rejectionCode(sandbox.commit(uploadId))).toBe('CHECKSUM_MISMATCH');
    expect(existsSync(join(root, 'docs/a.txt'))).toBe(false);
    expect(readdirSync(staging)).toEqual([]);
  });

  test('a checksum mismatch on an overwrite leaves the old file intact', async () => {
    writeFileSync(join(root, 'keep.txt'), 'old content');
    const sandbox = await Sandbox.open(root);
    const { uploadId } = await sandbox.beginUpload({ path: 'keep.txt', size: 5, sha256: sha256Hex('hello'), overwrite: true });
    await sandbox.writeChunk(uploadId, 0, Buffer.from('HELLO'));
    expect(await rejectionCode(sandbox.commit(uploadId))).toBe('CHECKSUM_MISMATCH');
    expect(readFileSync(join(root, 'keep.txt'), 'utf8')).toBe('old content');
  });

  test('an existing file is replaced only with overwrite', async () => {
    writeFileSync(join(root, 'keep.txt'), 'old');
    const sandbox = await Sandbox.open(root);
    const request = { path: 'keep.txt', size: 3, sha256: sha256Hex('new') };
    // EXISTS and a neutral text: the client adds its own hint (-f, a confirmation).
    await expect(sandbox.beginUpload(request)).rejects.toMatchObject({ code: 'EXISTS', message: '"keep.txt" already exists.' });
    const { uploadId } = await sandbox.beginUpload({ ...request, overwrite: true });
    await sandbox.writeChunk(uploadId, 0, Buffer.from('new'));
    await sandbox.commit(uploadId);
    expect(readFileSync(join(root, 'keep.txt'), 'utf8')).toBe('new');
    // A folder is never replaced, so it is not EXISTS (which would make a client offer overwrite).
    for (const overwrite of [false, true]) {
      await expect(sandbox.beginUpload({ path: 'docs', size: 3, sha256: sha256Hex('new'), overwrite })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: '"docs" is a folder, not a file.' });
    }
  });

  test('a file that appears before commit is not overwritten; overwrite can then be asked for', async () => {
    const sandbox = await Sandbox.open(root);
    const request = { path: 'race.txt', size: 3, sha256: sha256Hex('new') };
    const { uploadId } = await sandbox.beginUpload(request);
    await sandbox.writeChunk(uploadId, 0, Buffer.from('new'));
    writeFileSync(join(root, 'race.txt'), 'theirs');
    await expect(sandbox.commit(uploadId)).rejects.toMatchObject({ code: 'EXISTS', message: '"race.txt" already exists.' });
    expect(readFileSync(join(root, 'race.txt'), 'utf8')).toBe('theirs');
    const again = await sandbox.beginUpload({ ...request, overwrite: true });
    expect(again).toEqual({ uploadId, offset: 3 }); // the received bytes were kept
    await sandbox.commit(uploadId);
    expect(readFileSync(join(root, 'race.txt'), 'utf8')).toBe('new');
  });
});

describe('request validation', () => {
  test('size limit, bad sizes, bad sha256, bad paths and bad ids', async () => {
    const sandbox = await Sandbox.open(root, { maxUploadBytes: 1000 });
    const sha = sha256Hex('x');
    expect(await rejectionCode(sandbox.beginUpload({ path: 'big', size: 1001, sha256: sha }))).toBe('TOO_LARGE');
    for (const size of [-1, 1.5, Number.NaN, '10' as unknown as number]) {
      expect(await rejectionCode(sandbox.beginUpload({ path: 'f', size, sha256: sha }))).toBe('BAD_REQUEST');
    }
    for (const sha256 of ['abc', sha + '0', 'g'.repeat(64), 5 as unknown as string]) {
      expect(await rejectionCode(sandbox.beginUpload({ path: 'f', size: 1, sha256 }))).toBe('BAD_REQUEST');
    }
    expect(await rejectionCode(sandbox.beginUpload({ path: '', size: 1, sha256: sha }))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.beginUpload({ path: 'no/parent', size: 1, sha256: sha }))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.beginUpload({ path: 'f', size: 1, sha256: sha, overwrite: 'yes' as unknown as boolean }))).toBe('BAD_REQUEST');
    for (const id of ['../../outside/secret.txt', '', 'A'.repeat(32), '0'.repeat(31), '0'.repeat(32) + '/x', 7]) {
      expect(await rejectionCode(sandbox.writeChunk(id, 0, Buffer.alloc(1)))).toBe('BAD_REQUEST');
      expect(await rejectionCode(sandbox.commit(id))).toBe('BAD_REQUEST');
      expect(await rejectionCode(sandbox.abortUpload(id))).toBe('BAD_REQUEST');
    }
    expect(await rejectionCode(sandbox.writeChunk('0'.repeat(32), 0, Buffer.alloc(1)))).toBe('NOT_FOUND');
    const { uploadId } = await sandbox.beginUpload({ path: 'f', size: 1, sha256: sha });
    expect(await rejectionCode(sandbox.writeChunk(uploadId, -1, Buffer.alloc(1)))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.writeChunk(uploadId, 0, 'x'))).toBe('BAD_REQUEST');
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('TOP SECRET');
  });
});

describe('a tampered staging area', () => {
  const sha = sha256Hex('abc');

  test('a staging folder replaced by a link to outside is refused', async () => {
    symlinkSync(join(base, 'outside'), staging);
    const sandbox = await Sandbox.open(root);
    expect(await rejectionCode(sandbox.beginUpload({ path: 'f', size: 3, sha256: sha }))).toBe('OUTSIDE_SANDBOX');
    expect(readdirSync(join(base, 'outside'))).toEqual(['secret.txt']);
  });

  test('a temp file planted as a link to outside is never written through', async () => {
    mkdirSync(staging);
    const id = uploadIdFor('f', 3, sha);
    symlinkSync(join(base, 'outside/secret.txt'), join(staging, `${id}.part`));
    const sandbox = await Sandbox.open(root);
    expect(await rejectionCode(sandbox.beginUpload({ path: 'f', size: 3, sha256: sha }))).toBe('OUTSIDE_SANDBOX');
    expect(await rejectionCode(sandbox.writeChunk(id, 10, Buffer.from('abc')))).toMatch(/^(OUTSIDE_SANDBOX|NOT_FOUND)$/);
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('TOP SECRET');
  });

  test('a temp file planted as a hard link to outside is dropped, not written into', async () => {
    mkdirSync(staging);
    const id = uploadIdFor('f', 3, sha);
    linkSync(join(base, 'outside/secret.txt'), join(staging, `${id}.part`));
    const sandbox = await Sandbox.open(root);
    expect(await sandbox.beginUpload({ path: 'f', size: 3, sha256: sha })).toEqual({ uploadId: id, offset: 0 });
    await sandbox.writeChunk(id, 0, Buffer.from('abc'));
    await sandbox.commit(id);
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('abc');
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('TOP SECRET');
    expect(statSync(join(base, 'outside/secret.txt')).nlink).toBe(1);
  });

  test('an upload whose target became a link before commit is refused', async () => {
    const sandbox = await Sandbox.open(root);
    const { uploadId } = await sandbox.beginUpload({ path: 'docs/f', size: 3, sha256: sha, overwrite: true });
    await sandbox.writeChunk(uploadId, 0, Buffer.from('abc'));
    rmSync(join(root, 'docs'), { recursive: true });
    symlinkSync(join(base, 'outside'), join(root, 'docs'));
    expect(await rejectionCode(sandbox.commit(uploadId))).toBe('OUTSIDE_SANDBOX');
    expect(readdirSync(join(base, 'outside'))).toEqual(['secret.txt']);
  });
});

/** A tiny tmpfs so the disk really fills up; needs root (skipped otherwise). */
function mountTinyDisk(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  let disk: string;
  let mounted = false;

  beforeEach(() => {
    disk = join(base, 'disk');
    mkdirSync(disk);
    mounted = mountTinyDisk(disk, '2m');
  });

  afterEach(() => {
    if (mounted) execFileSync('umount', [disk]);
  });

  test('an upload that cannot fit is refused up front; the old file is intact', async () => {
    if (!mounted) return console.warn('cannot mount tmpfs (not root?): full-disk test skipped');
    writeFileSync(join(disk, 'keep.txt'), 'old content');
    const sandbox = await Sandbox.open(disk, { diskReserveBytes: 0 });
    const big = patternBytes(3 * 1024 * 1024);
    const err = await sandbox.beginUpload({ path: 'keep.txt', size: big.length, sha256: sha256Hex(big), overwrite: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('TOO_LARGE');
    expect((err as ProtocolError).message).toMatch(/disk/);
    expect(readFileSync(join(disk, 'keep.txt'), 'utf8')).toBe('old content');
  });

  test('ENOSPC mid-upload gives a clear error, keeps the old file and the resume point', async () => {
    if (!mounted) return console.warn('cannot mount tmpfs (not root?): full-disk test skipped');
    writeFileSync(join(disk, 'keep.txt'), 'old content');
    const sandbox = await Sandbox.open(disk, { diskReserveBytes: 0 });
    const content = patternBytes(1024 * 1024, 21);
    const { uploadId } = await sandbox.beginUpload({ path: 'keep.txt', size: content.length, sha256: sha256Hex(content), overwrite: true });
    await sandbox.writeChunk(uploadId, 0, content.subarray(0, 100_000));
    // Someone else fills the disk meanwhile.
    const filler = join(disk, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
    } catch {
      // ENOSPC expected: the filler takes what is left.
    }
    const err = await sandbox.writeChunk(uploadId, 100_000, content.subarray(100_000)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('TOO_LARGE');
    expect((err as ProtocolError).message).toMatch(/disk is full/);
    expect(readFileSync(join(disk, 'keep.txt'), 'utf8')).toBe('old content');
    rmSync(filler);
    const resumed = await sandbox.beginUpload({ path: 'keep.txt', size: content.length, sha256: sha256Hex(content), overwrite: true });
    expect(resumed.offset).toBe(100_000);
    await sandbox.writeChunk(uploadId, 100_000, content.subarray(100_000));
    await sandbox.commit(uploadId);
    expect(readFileSync(join(disk, 'keep.txt')).equals(content)).toBe(true);
  });
});
