/**
 * The whole system for end-to-end tests: a real LLM server and a real relay (their bundles) in a
 * temporary folder, plus helpers to run the real client binary against them.
 */
import {
  LLM_READY_LINE,
  RELAY_READY_LINE,
  STARTER_CONTEXT_FILES,
  currentSecFile,
  makeAppDirs,
  readBootstrapKey,
  runToExit,
  serverEnv,
  spawnNode,
  type AppDirs,
  type RunResult,
} from '@clawchat/testing';
import path from 'node:path';
import { BUNDLES, Proc, ROOT, tempDir } from './processes';

export interface SystemOptions {
  llmEnv?: Record<string, string>;
  relayEnv?: Record<string, string>;
  relayArgs?: string[];
}

export type CliResult = RunResult;

export class TestSystem {
  readonly root: string;
  readonly dirs: AppDirs;
  llm!: Proc;
  relay!: Proc;
  llmPort = 0;
  relayPort = 0;
  private cleanupDir: () => void;

  constructor(private readonly o: SystemOptions = {}) {
    const t = tempDir('clawchat-sys-');
    this.root = t.dir;
    this.cleanupDir = t.cleanup;
    // Starter context, so the offline provider lists the files it loaded.
    this.dirs = makeAppDirs(t.dir, { fromDir: path.join(ROOT, 'context'), files: STARTER_CONTEXT_FILES });
  }

  get env(): Record<string, string> {
    return serverEnv(this.dirs);
  }

  get secFile(): string {
    return currentSecFile(this.dirs);
  }

  get bootstrapKey(): string {
    return readBootstrapKey(this.dirs);
  }

  async startLlm(port = this.llmPort): Promise<void> {
    this.llm = new Proc('llm', [BUNDLES.llm, '--port', String(port)], { cwd: this.root, env: { ...this.env, ...this.o.llmEnv } });
    const m = await this.llm.waitFor(LLM_READY_LINE);
    this.llmPort = Number(m[1]);
  }

  async startRelay(extraArgs: string[] = []): Promise<void> {
    const args = [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', String(this.llmPort), ...(this.o.relayArgs ?? []), ...extraArgs];
    this.relay = new Proc('relay', args, { cwd: this.root, env: { ...this.env, ...this.o.relayEnv } });
    const m = await this.relay.waitFor(RELAY_READY_LINE);
    this.relayPort = Number(m[1]);
  }

  async start(): Promise<this> {
    await this.startLlm(0);
    await this.startRelay();
    return this;
  }

  /** Runs the real client binary headless; `device` picks a separate credential store (another laptop). */
  cli(args: string[], opts: { device?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    const child = spawnNode([BUNDLES.client, ...args], {
      cwd: this.root,
      env: {
        ...process.env,
        CLAWCHAT_DEBUG: '',
        CLAWCHAT_BOOTSTRAP_KEY: this.bootstrapKey,
        CLAWCHAT_SECURITY_DIR: this.dirs.security,
        XDG_STATE_HOME: path.join(this.dirs.client, opts.device ?? 'laptop'),
        ...opts.env,
      },
    });
    return runToExit(child, { input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 }).done;
  }

  /** `clawchat-relay <args>` against this system's running relay (the admin socket). */
  admin(args: string[]): Promise<CliResult> {
    return runToExit(spawnNode([BUNDLES.relay, ...args], { cwd: this.root, env: { ...process.env, ...this.env }, stdin: 'ignore' })).done;
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.llm?.stop();
    this.cleanupDir();
  }
}
