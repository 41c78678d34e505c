/**
 * A short exclusive section across processes: read-modify-write of one small file by programs that may
 * run at the same time (the TUI and a headless command both creating the device key on first run).
 * The lock is a file created exclusively beside the protected one; one left by a killed process is
 * taken over once it is older than any real section could last.
 */
import { open, stat, unlink } from 'node:fs/promises';

export interface FileLockOptions {
  /** Give up waiting after this long (the error names the lock file). */
  timeoutMs?: number;
  /** A lock file older than this belongs to a process that died inside its section. */
  staleMs?: number;
  /** How long to wait between attempts. */
  retryMs?: number;
}

const DEFAULTS = { timeoutMs: 10_000, staleMs: 10_000, retryMs: 25 };

export class FileLockTimeout extends Error {}

export async function withFileLock<T>(lockFile: string, section: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const o = { ...DEFAULTS, ...options };
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`).finally(() => handle.close());
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lockFile).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0, // gone meanwhile: try again at once
    );
    if (age > o.staleMs) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeout(`${lockFile} is held by another process; if none is running, delete it`);
    await new Promise((resolve) => setTimeout(resolve, o.retryMs));
  }
  try {
    return await section();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}
