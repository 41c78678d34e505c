/**
 * The llm-server measurements: the real server bundle in a temp folder with the offline provider,
 * driven over its local link by a worker process; context loading in a worker of its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LLM_READY_LINE, makeAppDirs, offlineEnv, tempDir } from '@clawchat/testing';
import { WorkerProcess } from '../shared/worker-process';
import { cpuMs } from '../relay/proc-stat';
import { AppProcess, BENCH_STARTER_FILES, BUNDLES, ROOT } from '../relay/system';
import { CONTEXT_FILE_CHARS, CONTEXT_LOADS, CONTEXT_WARMUP, TURNS, WARMUP_TURNS } from './constants';
import type { ContextTimes, LinkTurns, LlmWorkerMessage } from './messages';

export interface TurnsRun {
  pingMs: number[];
  firstMs: number[];
  doneMs: number[];
  providerMs: number[];
  /** The server's CPU (utime + stime) over the measured chat turns, per turn. */
  serverCpuMsPerTurn: number;
  /** Size of llm_session.json at the end of the run (it is rewritten on every turn). */
  sessionFileBytes: number;
}

async function startServer(): Promise<{ server: AppProcess; port: number; key: string; stateDir: string; cleanup: () => void }> {
  const { dir: root, cleanup } = tempDir('clawchat-bench-llm-');
  // The starter context, as a fresh install has it (the offline reply lists the files it loaded).
  const dirs = makeAppDirs(root, { fromDir: path.join(ROOT, 'context'), files: BENCH_STARTER_FILES });
  const server = new AppProcess('llm-server', [BUNDLES.llm, '--port', '0', '--context-dir', dirs.context, '--files-dir', dirs.files, '--state-dir', dirs.state], {
    cwd: root,
    env: offlineEnv({ CLAWCHAT_LLM_PROVIDER: 'offline' }),
  });
  const port = Number((await server.waitFor(LLM_READY_LINE))[1]);
  const key = readFileSync(path.join(dirs.state, 'local.key'), 'utf8').trim();
  return { server, port, key, stateDir: dirs.state, cleanup };
}

export async function measureTurns(workerScript: string): Promise<TurnsRun> {
  const s = await startServer();
  const worker = WorkerProcess.start<LlmWorkerMessage>(workerScript, 'link-turns', { port: s.port, key: s.key, warmupTurns: WARMUP_TURNS, turns: TURNS }, { timeoutMs: 120_000 });
  try {
    await worker.next('mark');
    const before = cpuMs(s.server.pid);
    await worker.next('mark');
    const after = cpuMs(s.server.pid);
    const turns: LinkTurns = await worker.next('turns');
    const sessionFile = path.join(s.stateDir, 'llm_session.json');
    return {
      pingMs: turns.pingMs,
      firstMs: turns.firstMs,
      doneMs: turns.doneMs,
      providerMs: turns.providerMs,
      serverCpuMsPerTurn: (after - before) / TURNS,
      sessionFileBytes: existsSync(sessionFile) ? readFileSync(sessionFile).length : 0,
    };
  } finally {
    await worker.stop();
    await s.server.stop();
    s.cleanup();
  }
}

export async function measureContextLoad(workerScript: string): Promise<Omit<ContextTimes, 'type'>> {
  const worker = WorkerProcess.start<LlmWorkerMessage>(workerScript, 'context-load', { fileChars: CONTEXT_FILE_CHARS, loads: CONTEXT_LOADS, warmup: CONTEXT_WARMUP });
  try {
    const { type: _type, ...times } = await worker.next('context');
    return times;
  } finally {
    await worker.stop();
  }
}
