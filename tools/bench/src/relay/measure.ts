/**
 * The relay measurements. The apps run as their real bundles (child processes of the orchestrator);
 * every client and baseline process is a bench worker, so the orchestrator itself only waits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerProcess } from '../shared/worker-process';
import { IDLE_SESSIONS, IDLE_WINDOW_MS, PLAIN_REPLY_BYTES, PLAIN_REQUEST_BYTES, SETTLE_MS, TURNS, WARMUP_TURNS } from './constants';
import type { ChatTurns, RelayWorkerMessage } from './messages';
import { cpuMs, rssBytes } from './proc-stat';
import { BenchSystem } from './system';

export interface SessionTurnsRun {
  firstMs: number[];
  doneMs: number[];
  pingMs: number[];
  /** HELLO → WELCOME: through the relay to the LLM server and back, with next to no work at either end. */
  helloMs: number[];
  /** CPU the relay and the LLM server spent over the measured turns (warm-up excluded), per turn. */
  relayCpuMsPerTurn: number;
  llmCpuMsPerTurn: number;
}

function takeTurns(turns: ChatTurns): Omit<ChatTurns, 'type'> {
  return { firstMs: turns.firstMs, doneMs: turns.doneMs, pingMs: turns.pingMs, helloMs: turns.helloMs };
}

export async function measureSessionTurns(workerScript: string): Promise<SessionTurnsRun> {
  const system = await new BenchSystem().start();
  const client = WorkerProcess.start<RelayWorkerMessage>(
    workerScript,
    'chat-client',
    { secFile: system.secFile, bootstrapKey: system.bootstrapKey, warmupTurns: WARMUP_TURNS, turns: TURNS },
    { timeoutMs: 180_000 },
  );
  try {
    const cpu = () => ({ relay: cpuMs(system.relay.pid), llm: cpuMs(system.llm.pid) });
    await client.next('mark');
    const before = cpu();
    await client.next('mark');
    const after = cpu();
    const turns = await client.next('turns');
    return {
      ...takeTurns(turns),
      relayCpuMsPerTurn: (after.relay - before.relay) / TURNS,
      llmCpuMsPerTurn: (after.llm - before.llm) / TURNS,
    };
  } finally {
    await client.stop();
    await system.stop();
  }
}

/** The plain UDP chain's request → reply times; `sealed` adds an AES-256-GCM seal and open on every hop. */
export async function measurePlainTurns(workerScript: string, sealed = false): Promise<number[]> {
  const echo = WorkerProcess.start<RelayWorkerMessage>(workerScript, 'plain-echo', { replyBytes: PLAIN_REPLY_BYTES, sealed });
  const workers = [echo];
  try {
    const { port: echoPort } = await echo.next('ready');
    const forwarder = WorkerProcess.start<RelayWorkerMessage>(workerScript, 'plain-forwarder', { echoPort, sealed });
    workers.push(forwarder);
    const { port: forwarderPort } = await forwarder.next('ready');
    const client = WorkerProcess.start<RelayWorkerMessage>(
      workerScript,
      'plain-client',
      { forwarderPort, requestBytes: PLAIN_REQUEST_BYTES, sealed, warmupTurns: WARMUP_TURNS, turns: TURNS },
      { timeoutMs: 120_000 },
    );
    workers.push(client);
    return (await client.next('turns')).firstMs;
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
}

export interface IdleRun {
  sessions: number;
  failed: number;
  firstError?: string;
  openMs: number;
  windowMs: number;
  /** Relay RSS with no session and with every session open (after SETTLE_MS each). */
  rssBefore: number;
  rssAfter: number;
  /** Relay CPU over the window with no session, and with every session open and idle. */
  cpuIdleEmptyMs: number;
  cpuIdleSessionsMs: number;
  /** Its CPU while the sessions were being opened (handshakes, CLIENT_OPEN, peer file writes). */
  cpuOpenMs: number;
}

async function cpuOver(pid: number, ms: number): Promise<{ cpu: number; elapsed: number }> {
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await sleep(ms);
  return { cpu: cpuMs(pid) - cpu0, elapsed: performance.now() - t0 };
}

export async function measureIdleSessions(workerScript: string, log: (line: string) => void): Promise<IdleRun> {
  const system = await new BenchSystem().start();
  const worker = WorkerProcess.start<RelayWorkerMessage>(workerScript, 'idle-sessions', { secFile: system.secFile, bootstrapKey: system.bootstrapKey }, { timeoutMs: 180_000 });
  try {
    await worker.next('ready');
    await sleep(SETTLE_MS);
    const pid = system.relay.pid;
    const rssBefore = rssBytes(pid);
    log(`idle: relay with no session, counting CPU for ${IDLE_WINDOW_MS / 1000} s`);
    const empty = await cpuOver(pid, IDLE_WINDOW_MS);
    const cpuBeforeOpen = cpuMs(pid);
    worker.send({ type: 'open', count: IDLE_SESSIONS });
    const opened = await worker.next('opened');
    const cpuOpenMs = cpuMs(pid) - cpuBeforeOpen;
    log(`idle: opened ${opened.opened} sessions in ${(opened.elapsedMs / 1000).toFixed(1)} s (${opened.failed} failed${opened.firstError ? `: ${opened.firstError}` : ''})`);
    await sleep(SETTLE_MS);
    const rssAfter = rssBytes(pid);
    log(`idle: relay with ${opened.opened} idle sessions, counting CPU for ${IDLE_WINDOW_MS / 1000} s`);
    const full = await cpuOver(pid, IDLE_WINDOW_MS);
    return {
      sessions: opened.opened,
      failed: opened.failed,
      firstError: opened.firstError,
      openMs: opened.elapsedMs,
      windowMs: (empty.elapsed + full.elapsed) / 2,
      rssBefore,
      rssAfter,
      cpuIdleEmptyMs: empty.cpu,
      cpuIdleSessionsMs: full.cpu,
      cpuOpenMs,
    };
  } finally {
    await worker.stop(30_000);
    await system.stop();
  }
}
