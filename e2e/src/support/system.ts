/**
 * The whole system for end-to-end tests: a real LLM server and a real relay (their bundles) in a
 * temporary folder, plus helpers to run the real client binary against them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLES, Proc, ROOT, tempDir } from './processes';

export interface SystemOptions {
  llmEnv?: Record<string, string>;
  relayEnv?: Record<string, string>;
  relayArgs?: string[];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class TestSystem {
  readonly root: string;
  readonly dirs: { state: string; security: string; files: string; context: string; client: string };
  llm!: Proc;
  relay!: Proc;
  llmPort = 0;
  relayPort = 0;
  private cleanupDir: () => void;

  constructor(private readonly o: SystemOptions = {}) {
    const t = tempDir('clawchat-sys-');
    this.root = t.dir;
    this.cleanupDir = t.cleanup;
    this.dirs = {
      state: path.join(t.dir, 'data'),
      security: path.join(t.dir, 'security'),
      files: path.join(t.dir, 'files'),
      context: path.join(t.dir, 'context'),
      client: path.join(t.dir, 'client-state'),
    };
    for (const d of Object.values(this.dirs)) mkdirSync(d, { recursive: true });
    // Starter context, so the offline provider lists the files it loaded.
    for (const f of ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md', 'CRON.md']) {
      mkdirSync(this.dirs.context, { recursive: true });
      copyFileSync(path.join(ROOT, 'context', f), path.join(this.dirs.context, f));
    }
  }

  get env(): Record<string, string> {
    return {
      CLAWCHAT_STATE_DIR: this.dirs.state,
      CLAWCHAT_SECURITY_DIR: this.dirs.security,
      CLAWCHAT_FILES_DIR: this.dirs.files,
      CLAWCHAT_CONTEXT_DIR: this.dirs.context,
      CLAWCHAT_LLM_PROVIDER: 'offline',
    };
  }

  get secFile(): string {
    return path.join(this.dirs.security, 'clawchat-current.sec');
  }

  get bootstrapKey(): string {
    return readFileSync(path.join(this.dirs.security, 'bootstrap.key'), 'utf8').trim();
  }

  async startLlm(port = this.llmPort): Promise<void> {
    this.llm = new Proc('llm', [BUNDLES.llm, '--port', String(port)], { cwd: this.root, env: { ...this.env, ...this.o.llmEnv } });
    const m = await this.llm.waitFor(/listening on \S*?:(\d+)/);
    this.llmPort = Number(m[1]);
  }

  async startRelay(extraArgs: string[] = []): Promise<void> {
    const args = [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', String(this.llmPort), ...(this.o.relayArgs ?? []), ...extraArgs];
    this.relay = new Proc('relay', args, { cwd: this.root, env: { ...this.env, ...this.o.relayEnv } });
    const m = await this.relay.waitFor(/\[relay\] ready port=(\d+)/);
    this.relayPort = Number(m[1]);
  }

  async start(): Promise<this> {
    await this.startLlm(0);
    await this.startRelay();
    return this;
  }

  /** Runs the real client binary headless; `device` picks a separate credential store (another laptop). */
  cli(args: string[], opts: { device?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BUNDLES.client, ...args], {
        cwd: this.root,
        env: {
          ...process.env,
          CLAWCHAT_DEBUG: '',
          CLAWCHAT_BOOTSTRAP_KEY: this.bootstrapKey,
          CLAWCHAT_SECURITY_DIR: this.dirs.security,
          XDG_STATE_HOME: path.join(this.dirs.client, opts.device ?? 'laptop'),
          ...opts.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
  }

  /** `clawchat-relay <args>` against this system's running relay (the admin socket). */
  admin(args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [BUNDLES.relay, ...args], { cwd: this.root, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.llm?.stop();
    this.cleanupDir();
  }
}
