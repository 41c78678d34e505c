/**
 * One LLM server per state folder. Two would both rewrite llm_session.json (the later write wins and
 * the other's turns are lost) and run every cron job twice. The lock is a file holding the owner's
 * pid, created exclusively; a lock whose process is gone (kill -9, power loss) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@clawchat/llm';

const LOCK_FILE = 'llm-server.pid';

export interface InstanceLock {
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

export async function acquireInstanceLock(stateDir: string, pid = process.pid): Promise<InstanceLock> {
  const file = join(stateDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(`${pid}\n`);
      } finally {
        await handle.close();
      }
      return {
        release: async () => {
          // Only our own lock: never one a successor took over after we were presumed dead.
          const owner = await readFile(file, 'utf8').catch(() => '');
          if (Number(owner.trim()) === pid) await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== pid && alive(owner)) {
      throw new ConfigError(
        `another clawchat-llm (pid ${owner}) is already using the state folder ${stateDir}; stop it first, or give this one its own --state-dir (if no such server runs, delete ${file})`,
      );
    }
    await unlink(file).catch(() => undefined); // left by a server that is gone
  }
  throw new ConfigError(`could not take the lock ${file}; another clawchat-llm is starting with the same state folder`);
}
