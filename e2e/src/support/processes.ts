/**
 * Starting the real programs (their bundles in dist/apps/) as child processes for end-to-end tests:
 * wait for a line on stderr, keep the output for assertions, and always stop them afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const BUNDLES = {
  llm: path.join(ROOT, 'dist/apps/llm-server/main.cjs'),
  relay: path.join(ROOT, 'dist/apps/relay/main.cjs'),
  client: path.join(ROOT, 'dist/apps/client/main.mjs'),
};

export class Proc {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    args: string[],
    opts: { env?: Record<string, string | undefined>; cwd?: string } = {},
  ) {
    this.child = spawn(process.execPath, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, CLAWCHAT_DEBUG: undefined, ...opts.env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const collect = (d: Buffer) => {
      this.output += d.toString();
      for (const w of this.waiters) w();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => {
      for (const w of this.waiters) w();
      resolve({ code, signal });
    }));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `re` in the output (stdout and stderr), or rejects on timeout/exit. */
  waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.output.match(re);
        if (m) {
          done();
          resolve(m);
        } else if (!this.running) {
          done();
          reject(new Error(`${this.name} exited before printing ${re}:\n${this.output.slice(-2000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${re} within ${timeoutMs} ms:\n${this.output.slice(-2000)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
