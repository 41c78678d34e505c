// Atomic, durable file replacement: a reader sees the old file or the new one, never a half-written
// one, and after a crash the new content is on disk (or the old one still is). Used for every file
// ClawChat owns (keys, .sec files, credentials, the conversation, cron state), so it is strict: the
// temp file is created exclusively (never following a planted file or symlink) and gets the exact mode.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/** Owner read/write only: most files this is used for hold a secret or a private conversation. */
export const SECRET_FILE_MODE = 0o600;

/** The temp file a write to `target` goes through (exported for the tests of isTempFileOf). */
export function tempPathFor(target: string): string {
  // Same directory, so rename() stays on one filesystem and is atomic; dot-prefixed to stay out of
  // listings; the pid and random part keep concurrent writers (and processes) apart.
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether `name` (a bare file name) is a temp file of a write to `target` (the pattern of tempPathFor). */
export function isTempFileOf(target: string, name: string): boolean {
  const prefix = `.${path.basename(target)}.`;
  return name.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(name.slice(prefix.length));
}

/**
 * Deletes temp files that writes to `target` left behind when the process died between creating and
 * renaming them (kill -9, power loss). Call it at start-up, before this process writes `target`: a
 * file has one writing process, so no temp file of it is in use then. Returns how many were removed.
 */
export async function removeStaleTempFiles(target: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(path.dirname(target));
  } catch {
    return 0; // no folder yet, nothing left behind
  }
  const stale = names.filter((name) => isTempFileOf(target, name));
  await Promise.all(stale.map((name) => unlink(path.join(path.dirname(target), name)).catch(() => undefined)));
  return stale.length;
}

/** A complete, synced temp file beside `target` holding `data` with exactly `mode`; the caller moves it into place. */
async function writeTemp(target: string, data: string | Uint8Array, mode: number): Promise<string> {
  const temp = tempPathFor(target);
  // 'wx': fail rather than follow a planted file or symlink at the temp name.
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // open()'s mode is filtered by the umask; set it exactly.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, mode: number = SECRET_FILE_MODE): Promise<void> {
  const temp = await writeTemp(target, data, mode);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(target));
}

/**
 * Creates `target` with `data` unless it exists: it appears complete under its name or not at all (a
 * hard link of a finished temp file, which fails if the name is taken). True if this call created it,
 * false if it was there already (then the caller reads the existing one). For files several processes
 * may try to create at once: a key, a pid lock.
 */
export async function createFileExclusive(target: string, data: string | Uint8Array, mode: number = SECRET_FILE_MODE): Promise<boolean> {
  const temp = await writeTemp(target, data, mode);
  try {
    await link(temp, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(path.dirname(target));
  return true;
}

/** removeStaleTempFiles for synchronous start-up code. */
export function removeStaleTempFilesSync(target: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(target));
  } catch {
    return 0;
  }
  const stale = names.filter((name) => isTempFileOf(target, name));
  for (const name of stale) fs.rmSync(path.join(path.dirname(target), name), { force: true });
  return stale.length;
}

/** Same contract, for start-up paths that are synchronous. */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, mode: number = SECRET_FILE_MODE): void {
  const temp = tempPathFor(target);
  const fd = fs.openSync(temp, 'wx', mode);
  try {
    try {
      fs.writeFileSync(fd, data);
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  syncDirectorySync(path.dirname(target));
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a directory; that is not fatal. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the data itself is already synced
  } finally {
    await handle?.close();
  }
}

function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
