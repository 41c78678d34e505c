import { closeSync, openSync, readdirSync, writeFileSync, writeSync, ftruncateSync, createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Sandbox } from './sandbox';
import { collect, makeTempDir, patternBytes, rejectionCode, removeDir, sha256Hex } from './test-support';

const slow = process.env.CLAWCHAT_SLOW ? test : test.skip;
const MiB = 1024 * 1024;

let root: string;

beforeEach(() => {
  root = makeTempDir('download');
});

afterEach(() => removeDir(root));

describe('chunks, sha256 and ranges', () => {
  const content = patternBytes(MiB + 123, 7);

  beforeEach(() => writeFileSync(join(root, 'data.bin'), content));

  test('whole file in contiguous chunks of the configured size, then size and sha256', async () => {
    const sandbox = await Sandbox.open(root, { chunkBytes: 64 * 1024 });
    const download = await sandbox.openDownload('data.bin');
    expect([download.size, download.offset, download.end]).toEqual([content.length, 0, content.length]);
    const got = await collect(download);
    expect(got.chunks.length).toBe(17);
    got.chunks.forEach((chunk, i) => expect(chunk.offset).toBe(i * 64 * 1024));
    expect(got.chunks.slice(0, -1).every((c) => c.length === 64 * 1024)).toBe(true);
    expect(got.bytes.equals(content)).toBe(true);
    expect(got.size).toBe(content.length);
    expect(got.sha256).toBe(sha256Hex(content));
  });

  test('resuming from an unaligned offset sends the rest; sha256 is still of the whole file', async () => {
    const sandbox = await Sandbox.open(root, { chunkBytes: 100_000 });
    const got = await collect(await sandbox.openDownload('data.bin', { offset: 300_001 }));
    expect(got.chunks[0].offset).toBe(300_001);
    expect(got.bytes.equals(content.subarray(300_001))).toBe(true);
    expect(got.sha256).toBe(sha256Hex(content));
  });

  test('a range sends only its bytes; length past the end is clipped', async () => {
    const sandbox = await Sandbox.open(root, { chunkBytes: 4096 });
    const range = await collect(await sandbox.openDownload('data.bin', { offset: 10, length: 10_000 }));
    expect(range.bytes.equals(content.subarray(10, 10_010))).toBe(true);
    expect(range.sha256).toBe(sha256Hex(content));
    const tail = await collect(await sandbox.openDownload('data.bin', { offset: content.length - 5, length: 1000 }));
    expect(tail.bytes.equals(content.subarray(content.length - 5))).toBe(true);
    const atEnd = await collect(await sandbox.openDownload('data.bin', { offset: content.length }));
    expect(atEnd.chunks).toEqual([]);
    expect(atEnd.sha256).toBe(sha256Hex(content));
  });

  test('bad offsets and lengths are refused before anything is sent', async () => {
    const sandbox = await Sandbox.open(root);
    expect(await rejectionCode(sandbox.openDownload('data.bin', { offset: content.length + 1 }))).toBe('BAD_REQUEST');
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '3' as unknown as number]) {
      expect(await rejectionCode(sandbox.openDownload('data.bin', { offset: bad }))).toBe('BAD_REQUEST');
      expect(await rejectionCode(sandbox.openDownload('data.bin', { length: bad }))).toBe('BAD_REQUEST');
    }
    expect(await rejectionCode(sandbox.openDownload('missing.bin'))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.openDownload(''))).toBe('BAD_REQUEST');
  });

  test('an empty file gives only the final event', async () => {
    writeFileSync(join(root, 'empty'), '');
    const got = await collect(await (await Sandbox.open(root)).openDownload('empty'));
    expect(got.chunks).toEqual([]);
    expect([got.size, got.sha256]).toEqual([0, sha256Hex('')]);
  });
});

describe('pull-based reading', () => {
  test('reads a chunk only when asked, and notices a file changed mid-transfer', async () => {
    const content = patternBytes(3 * 1000, 3);
    const file = join(root, 'live.bin');
    writeFileSync(file, content);
    const download = await (await Sandbox.open(root, { chunkBytes: 1000 })).openDownload('live.bin');
    const first = await download.next();
    expect(first.value).toEqual(expect.objectContaining({ kind: 'data', offset: 0 }));
    // Change bytes 1000..1999 on disk after the first chunk was handed out.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(1000, 0xab), 0, 1000, 1000);
    closeSync(fd);
    const second = await download.next();
    const bytes = second.value?.kind === 'data' ? Buffer.from(second.value.bytes) : null;
    expect(bytes?.equals(Buffer.alloc(1000, 0xab))).toBe(true); // not read ahead of the request
    await download.next(); // third chunk
    expect(await rejectionCode(download.next())).toBe('BUSY'); // the final sha256 would not match what was sent
  });

  test('close() releases the file handle, whether or not iteration started', async () => {
    writeFileSync(join(root, 'f.bin'), patternBytes(10_000));
    const sandbox = await Sandbox.open(root, { chunkBytes: 1000 });
    const fdCount = () => readdirSync('/proc/self/fd').length;
    const before = fdCount();
    const untouched = await sandbox.openDownload('f.bin');
    const started = await sandbox.openDownload('f.bin');
    await started.next();
    expect(fdCount()).toBe(before + 2);
    await untouched.close();
    await started.close();
    await started.close();
    expect(fdCount()).toBe(before);
    expect((await started.next()).done).toBe(true);
    // Breaking out of for-await closes it too.
    const broken = await sandbox.openDownload('f.bin');
    for await (const event of broken) {
      expect(event.kind).toBe('data');
      break;
    }
    expect(fdCount()).toBe(before);
  });
});

/** Lets a test force garbage collection so RSS reflects what the code keeps, not what GC has not freed yet. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: MiB })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Downloads `name`, checking bytes arrive in order, and returns the peak RSS growth in bytes. */
async function downloadMeasuringRss(sandbox: Sandbox, name: string, expectedSize: number): Promise<{ growth: number; sha256: string }> {
  const gc = exposeGc();
  gc();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let received = 0;
  let sha256 = '';
  let chunks = 0;
  for await (const event of await sandbox.openDownload(name)) {
    if (event.kind === 'done') {
      sha256 = event.sha256;
      continue;
    }
    expect(event.offset).toBe(received);
    received += event.bytes.length;
    // Collect garbage now and then so only memory the download really holds on to shows up.
    if (++chunks % 16 === 0) {
      gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  expect(received).toBe(expectedSize);
  return { growth: peak - baseline, sha256 };
}

describe('memory stays flat', () => {
  test('a 64 MiB download grows RSS by less than 16 MiB', async () => {
    const file = join(root, 'big.bin');
    const block = patternBytes(MiB, 11);
    const fd = openSync(file, 'w');
    for (let i = 0; i < 64; i++) writeSync(fd, block);
    closeSync(fd);
    const { growth, sha256 } = await downloadMeasuringRss(await Sandbox.open(root), 'big.bin', 64 * MiB);
    expect(sha256).toBe(await sha256OfFile(file));
    expect(growth).toBeLessThan(16 * MiB);
  }, 60_000);

  slow('slow: a 1 GiB download grows RSS by less than 64 MiB', async () => {
    const file = join(root, 'huge.bin');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 1024 * MiB); // sparse: fast to create, still read byte for byte
    writeSync(fd, Buffer.from('start'), 0, 5, 0);
    writeSync(fd, Buffer.from('end'), 0, 3, 1024 * MiB - 3);
    closeSync(fd);
    const { growth, sha256 } = await downloadMeasuringRss(await Sandbox.open(root), 'huge.bin', 1024 * MiB);
    expect(sha256).toBe(await sha256OfFile(file));
    expect(growth).toBeLessThan(64 * MiB);
  }, 600_000);
});
