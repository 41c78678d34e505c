/**
 * A child process whose stdout and stderr are kept, so a test or benchmark can wait for a line (a
 * ready line with a port), report why the program died, and always stop it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DEFAULT_WAIT_MS, OUTPUT_TAIL_CHARS, STOP_GRACE_MS } from './constants';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WatchOptions {
  /**
   * Keep at most about this many characters of output (the start: ready lines and early errors).
   * Unlimited by default; a long benchmark caps it so a program logging every connect does not grow us.
   */
  maxOutputChars?: number;
}

export class WatchedProcess {
  /** Everything printed so far, stdout and stderr interleaved as it arrived. */
  output = '';
  readonly exited: Promise<ExitStatus>;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    o: WatchOptions = {},
  ) {
    const limit = o.maxOutputChars ?? Infinity;
    const collect = (d: Buffer) => {
      if (this.output.length < limit) this.output += d.toString();
      this.wake();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.wake();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `re` in the output, or rejects when the program exits or time runs out. */
  waitFor(re: RegExp, timeoutMs = DEFAULT_WAIT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const m = this.output.match(re);
        if (m) {
          finish();
          resolve(m);
        } else if (!this.running) {
          finish();
          reject(new Error(`${this.name} exited before printing ${re}:\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends `signal`, then SIGKILL if the program is still there after the grace period; resolves once it is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private tail(): string {
    return this.output.slice(-OUTPUT_TAIL_CHARS);
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

export interface NodeSpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'pipe' (default) lets a caller write to the program; 'ignore' gives it no stdin at all. */
  stdin?: 'pipe' | 'ignore';
}

/** `node <args>` with stdout and stderr piped (for a WatchedProcess or runToExit). */
export function spawnNode(args: string[], o: NodeSpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: o.cwd, env: o.env, stdio: [o.stdin ?? 'pipe', 'pipe', 'pipe'] });
}

/** This process's environment plus `extra`, without CLAWCHAT_DEBUG (its stack traces would change the output under test). */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CLAWCHAT_DEBUG: undefined, ...extra } as NodeJS.ProcessEnv;
}
