/**
 * One running program per folder (one relay per security folder, one LLM server per state folder): a
 * file holding the owner's pid. It appears under its final name already complete (createFileExclusive),
 * so a second starter never reads a half-
 * written pid and mistakes a live lock for a dead one. A lock whose process is gone (kill -9, power
 * loss) is taken over. Two starters taking over the same dead lock in the same instant could both
 * succeed; that needs a crash followed by two simultaneous starts, which a service manager does not do.
 */
import { readFile, unlink } from 'node:fs/promises';
import { createFileExclusive } from './atomic-write';

export class PidLockHeld extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file} is held by process ${pid}`);
  }
}

export interface PidLock {
  release(): Promise<void>;
}

/** Whether a process with this pid exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Takes the lock for `pid` (this process by default); throws PidLockHeld while a live process holds it. */
export async function acquirePidLock(file: string, pid = process.pid): Promise<PidLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createFileExclusive(file, `${pid}\n`)) {
      return {
        release: async () => {
          // Only our own: never a lock a successor took over after we were presumed dead.
          if ((await ownerOf(file)) === pid) await unlink(file).catch(() => undefined);
        },
      };
    }
    const owner = await ownerOf(file);
    if (owner !== undefined && owner !== pid && alive(owner)) throw new PidLockHeld(file, owner);
    await unlink(file).catch(() => undefined); // left by a process that is gone
  }
  throw new PidLockHeld(file, (await ownerOf(file)) ?? 0);
}
