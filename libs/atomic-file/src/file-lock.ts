/**
 * A short exclusive section across processes: read-modify-write of one small file by programs that may
 * run at the same time (the TUI and a headless command both creating the device key on first run).
 * The lock is a file created exclusively beside the protected one; one left by a killed process is
 * taken over once it is older than any real section could last.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';

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

/** Whether `lockFile` still holds `token` (ours), as opposed to a lock someone took over or made since. */
async function holds(lockFile: string, token: string): Promise<boolean> {
  return (await readFile(lockFile, 'utf8').catch(() => '')) === token;
}

/**
 * Removes `lockFile` if it is still the stale lock seen (same content). Two waiters may judge the same
 * lock stale at once; the takeover itself is serialised by a second exclusive file, so the later one
 * finds a fresh lock (other content) and leaves it alone.
 */
async function removeStale(lockFile: string, seen: string, staleMs: number): Promise<void> {
  const guard = `${lockFile}.takeover`;
  try {
    await (await open(guard, 'wx', 0o600)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another waiter is taking over; a guard left by one that died there is itself stale.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > staleMs) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    if ((await readFile(lockFile, 'utf8').catch(() => undefined)) === seen) await unlink(lockFile).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

export async function withFileLock<T>(lockFile: string, section: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const o = { ...DEFAULTS, ...options };
  const deadline = Date.now() + o.timeoutMs;
  const token = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(token).finally(() => handle.close());
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = await readFile(lockFile, 'utf8').catch(() => undefined);
    const age = await stat(lockFile).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0, // gone meanwhile: try again at once
    );
    if (seen !== undefined && age > o.staleMs) {
      await removeStale(lockFile, seen, o.staleMs);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeout(`${lockFile} is held by another process; if none is running, delete it`);
    await new Promise((resolve) => setTimeout(resolve, o.retryMs));
  }
  try {
    return await section();
  } finally {
    // Only our own lock: after a pause longer than staleMs another process may have taken it over.
    if (await holds(lockFile, token)) await unlink(lockFile).catch(() => undefined);
  }
}
