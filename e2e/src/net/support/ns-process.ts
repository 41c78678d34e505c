/**
 * Node programs started inside a network namespace (`ip netns exec NS node ...`). `ip netns exec`
 * execs the program after entering the namespace, so the child's pid is node's own and signals reach it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function nsSpawn(ns: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string }): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, CLAWCHAT_DEBUG: undefined, ...opts.env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A short-lived program: its output and exit code; SIGKILLed when it outlives `timeoutMs`. */
export function nsRun(ns: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs: number; input?: string }): {
  child: ChildProcess;
  done: Promise<RunResult>;
  /** What it printed so far (stdout then stderr), for failure messages while it still runs. */
  output: () => string;
} {
  const started = Date.now();
  const child = nsSpawn(ns, args, opts);
  let stdout = '';
  let stderr = '';
  const done = new Promise<RunResult>((resolve) => {
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  child.stdin?.end(opts.input ?? '');
  return { child, done, output: () => stdout + stderr };
}

/** A long-running server: keeps its output, waits for a line, stops with SIGTERM then SIGKILL. */
export class NsServer {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    ns: string,
    args: string[],
    opts: { env?: Record<string, string | undefined>; cwd?: string },
  ) {
    this.child = nsSpawn(ns, args, opts);
    const collect = (d: Buffer) => {
      this.output += d.toString();
      for (const w of this.waiters) w();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', () => {
        for (const w of this.waiters) w();
        resolve();
      }),
    );
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
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
          reject(new Error(`${this.name} exited before printing ${re}:\n${this.output.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
