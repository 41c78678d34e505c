/**
 * The real LLM server and relay (their bundles in dist/apps/) in a temporary folder, started the way
 * e2e/src/support/system.ts starts them: environment variables for the folders, the offline provider
 * unless told otherwise, and the ready line on stderr parsed for the port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The repository root: the orchestrator runs with it as its working directory (tools/bench/run.mjs). */
export const ROOT = process.cwd();

export const BUNDLES = {
  llm: path.join(ROOT, 'dist/apps/llm-server/main.cjs'),
  relay: path.join(ROOT, 'dist/apps/relay/main.cjs'),
  client: path.join(ROOT, 'dist/apps/client/main.mjs'),
} as const;

export type AppName = 'llm-server' | 'relay' | 'client';

/** Builds the apps' bundles so the benchmark measures the code in the work tree, not a stale build. */
export function buildBundles(apps: readonly AppName[]): void {
  for (const app of apps) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/build/bundle.mjs'), app], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${app} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  }
}

/** This process's environment without provider keys or CLAWCHAT_* settings, so every run is offline and alike. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/API_KEY|BASE_URL|^CLAWCHAT_|^CI$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/**
 * CLAWCHAT_BENCH_APP_PROFILE=<dir> runs every app under `node --cpu-prof` into that folder (one
 * <app>-<time>.cpuprofile each, written when the app exits on SIGTERM), to find where an app's time
 * goes when a figure looks wrong. Off by default: profiling slows the apps down.
 */
export function appProfileArgs(name: string): string[] {
  const dir = process.env.CLAWCHAT_BENCH_APP_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
}

/** A child process whose stderr and stdout are kept, to wait for a line and to report why it died. */
export class AppProcess {
  output = '';
  readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    args: string[],
    o: { env: NodeJS.ProcessEnv; cwd: string },
  ) {
    this.child = spawn(process.execPath, [...appProfileArgs(name), ...args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (d: Buffer) => {
      // Only the start matters (ready lines, errors); a relay logging 1,000 connects must not grow us.
      if (this.output.length < 256 * 1024) this.output += d.toString();
      for (const w of this.waiters) w();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', () => {
        for (const w of this.waiters) w();
        resolve();
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      const check = () => {
        const m = this.output.match(re);
        if (m) {
          done();
          resolve(m);
        } else if (!this.running) {
          done();
          reject(new Error(`${this.name} exited before printing ${re}: ${this.output.slice(-1500)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${re} within ${timeoutMs} ms: ${this.output.slice(-1500)}`));
      }, timeoutMs);
      this.waiters.push(check);
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

export interface SystemOptions {
  /** Extra environment of the LLM server (a provider other than the offline one). */
  llmEnv?: Record<string, string>;
  /** Starter context files copied from context/ (the offline reply lists them). */
  starterContext?: boolean;
}

/** LLM server + relay in a temp folder. */
export class BenchSystem {
  readonly root: string;
  readonly dirs: { state: string; security: string; files: string; context: string; client: string };
  llm!: AppProcess;
  relay!: AppProcess;
  relayPort = 0;
  llmPort = 0;

  constructor(private readonly o: SystemOptions = {}) {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'clawchat-bench-'));
    this.dirs = {
      state: path.join(this.root, 'data'),
      security: path.join(this.root, 'security'),
      files: path.join(this.root, 'files'),
      context: path.join(this.root, 'context'),
      client: path.join(this.root, 'client-state'),
    };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
    if (o.starterContext !== false) {
      for (const f of ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md']) {
        const from = path.join(ROOT, 'context', f);
        if (existsSync(from)) copyFileSync(from, path.join(this.dirs.context, f));
      }
    }
  }

  get env(): NodeJS.ProcessEnv {
    return cleanEnv({
      CLAWCHAT_STATE_DIR: this.dirs.state,
      CLAWCHAT_SECURITY_DIR: this.dirs.security,
      CLAWCHAT_FILES_DIR: this.dirs.files,
      CLAWCHAT_CONTEXT_DIR: this.dirs.context,
      CLAWCHAT_LLM_PROVIDER: 'offline',
    });
  }

  get secFile(): string {
    return path.join(this.dirs.security, 'clawchat-current.sec');
  }

  get bootstrapKey(): string {
    return readFileSync(path.join(this.dirs.security, 'bootstrap.key'), 'utf8').trim();
  }

  async start(): Promise<this> {
    this.llm = new AppProcess('llm-server', [BUNDLES.llm, '--port', '0'], { cwd: this.root, env: { ...this.env, ...this.o.llmEnv } });
    this.llmPort = Number((await this.llm.waitFor(/listening on \S*?:(\d+)/))[1]);
    this.relay = new AppProcess('relay', [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', String(this.llmPort)], { cwd: this.root, env: this.env });
    this.relayPort = Number((await this.relay.waitFor(/\[relay\] ready port=(\d+)/))[1]);
    return this;
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.llm?.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
