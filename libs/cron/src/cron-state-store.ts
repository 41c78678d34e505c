/**
 * The sidecar state file (e.g. <state dir>/cron-state.json): load it, tolerate damage, save it atomically.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@clawchat/atomic-file';
import { emptyCronState, parseCronState, type CronState } from './cron-state';

export interface LoadedCronState {
  state: CronState;
  /** Set when the file was damaged: one line for the log saying what happened and where it went. */
  warning: string | null;
}

export class CronStateStore {
  /** Saves run one after another so an older state never lands after a newer one. */
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  async load(): Promise<LoadedCronState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyCronState(), warning: null };
      throw error;
    }
    try {
      return { state: parseCronState(JSON.parse(text)), warning: null };
    } catch (error) {
      const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(this.file, aside);
      const reason = error instanceof Error ? error.message : String(error);
      return {
        state: emptyCronState(),
        warning: `Cron state file ${this.file} was unreadable (${reason}); kept it as ${aside} and started with empty state.`,
      };
    }
  }

  save(state: CronState): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    const next = this.queue.then(async () => {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, text);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
