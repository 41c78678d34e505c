// Atomic, durable file replacement for secrets: a reader sees the old file or the new one, never a
// half-written one, and after a crash the new content is on disk (or the old one still is).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';

/** Owner read/write only: every file this is used for holds a secret. */
export const SECRET_FILE_MODE = 0o600;

function tempPathFor(target: string): string {
  // Same directory, so rename() stays on one filesystem and is atomic; dot-prefixed to stay out of listings.
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, mode: number = SECRET_FILE_MODE): Promise<void> {
  const temp = tempPathFor(target);
  // 'wx': fail rather than follow a planted file or symlink at the temp name.
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // open()'s mode is filtered by the umask; set it exactly.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(target));
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
