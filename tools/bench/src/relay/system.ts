/**
 * The real LLM server and relay (their bundles in dist/apps/) in a temporary folder, started the way
 * e2e/src/support/system.ts starts them: environment variables for the folders, the offline provider
 * unless told otherwise, and the ready line on stderr parsed for the port.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  LLM_READY_LINE,
  RELAY_READY_LINE,
  STARTER_CONTEXT_FILES,
  WatchedProcess,
  appBundles,
  currentSecFile,
  makeAppDirs,
  offlineEnv,
  readBootstrapKey,
  serverEnv,
  spawnNode,
  tempDir,
  type AppDirs,
} from '@clawchat/testing';
import { APP_OUTPUT_CHARS } from './constants';

/** The repository root: the orchestrator runs with it as its working directory (tools/bench/run.mjs). */
export const ROOT = process.cwd();

export const BUNDLES = appBundles(ROOT);

export type AppName = 'llm-server' | 'relay' | 'client';

/** Builds the apps' bundles so the benchmark measures the code in the work tree, not a stale build. */
export function buildBundles(apps: readonly AppName[]): void {
  for (const app of apps) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/build/bundle.mjs'), app], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${app} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  }
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

/**
 * An app started for a benchmark: no stdin, the offline environment it is given, and only the start of
 * its output kept (ready lines, errors): a relay logging 1,000 connects must not grow us.
 */
export class AppProcess extends WatchedProcess {
  constructor(name: string, args: string[], o: { env: NodeJS.ProcessEnv; cwd: string }) {
    super(name, spawnNode([...appProfileArgs(name), ...args], { cwd: o.cwd, env: o.env, stdin: 'ignore' }), { maxOutputChars: APP_OUTPUT_CHARS });
  }
}

export interface SystemOptions {
  /** Extra environment of the LLM server (a provider other than the offline one). */
  llmEnv?: Record<string, string>;
  /** Starter context files copied from context/ (the offline reply lists them). */
  starterContext?: boolean;
}

/** The starter context without CRON.md: a scheduled job must not run in the middle of a measurement. */
export const BENCH_STARTER_FILES = STARTER_CONTEXT_FILES.filter((f) => f !== 'CRON.md');

/** LLM server + relay in a temp folder. */
export class BenchSystem {
  readonly root: string;
  readonly dirs: AppDirs;
  llm!: AppProcess;
  relay!: AppProcess;
  relayPort = 0;
  llmPort = 0;
  private readonly removeRoot: () => void;

  constructor(private readonly o: SystemOptions = {}) {
    const t = tempDir('clawchat-bench-');
    this.root = t.dir;
    this.removeRoot = t.cleanup;
    this.dirs = makeAppDirs(this.root, { fromDir: path.join(ROOT, 'context'), files: o.starterContext === false ? [] : BENCH_STARTER_FILES });
  }

  get env(): NodeJS.ProcessEnv {
    return offlineEnv(serverEnv(this.dirs));
  }

  get secFile(): string {
    return currentSecFile(this.dirs);
  }

  get bootstrapKey(): string {
    return readBootstrapKey(this.dirs);
  }

  async start(): Promise<this> {
    this.llm = new AppProcess('llm-server', [BUNDLES.llm, '--port', '0'], { cwd: this.root, env: { ...this.env, ...this.o.llmEnv } });
    this.llmPort = Number((await this.llm.waitFor(LLM_READY_LINE))[1]);
    this.relay = new AppProcess('relay', [BUNDLES.relay, '--ip', '127.0.0.1', '--llm-port', String(this.llmPort)], { cwd: this.root, env: this.env });
    this.relayPort = Number((await this.relay.waitFor(RELAY_READY_LINE))[1]);
    return this;
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.llm?.stop();
    this.removeRoot();
  }
}
