/** Big test files without big buffers: random content written and hashed a MiB at a time. */
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';

export const MiB = 1024 * 1024;

/** Writes `size` random bytes (a multiple of 1 MiB) and returns their sha256. */
export function writeRandomFile(file: string, size: number): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(MiB);
  try {
    for (let done = 0; done < size; done += MiB) {
      randomFillSync(chunk);
      writeSync(fd, chunk);
      hash.update(chunk);
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

export function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => hash.update(d))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
