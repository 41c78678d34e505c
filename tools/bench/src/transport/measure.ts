/**
 * The four transport measurements, each one run with fresh worker processes. The orchestrator process
 * only starts workers and waits: all the work happens in the workers, one per core.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectionStats } from '@clawchat/protocol';
import { ratePerSecond } from '../shared/stats';
import { WorkerProcess } from '../shared/worker-process';
import {
  DH_WINDOW_MS,
  HANDSHAKE_WARMUP_MS,
  HANDSHAKE_WINDOW_MS,
  IDLE_SESSIONS,
  OPEN_CONCURRENCY,
  SETTLE_MS,
  THROUGHPUT_WARMUP_MS,
  THROUGHPUT_WINDOW_MS,
  WARMUP_SESSIONS,
} from './constants';
import type { CredentialsJson } from './credentials';
import type { DhResult, HandshakeMessage, MemoryMessage, MemorySnapshot, SenderStats, ThroughputMessage } from './messages';

export interface MeasureContext {
  workerScript: string;
  credentials: CredentialsJson;
  /** When set, sender and receiver of the session throughput run under --cpu-prof into this directory. */
  profileDir?: string;
}

export interface ThroughputRun {
  bytesPerSecond: number;
  /** Datagrams (raw) or messages (session) counted at the receiver in the window. */
  units: number;
  sender: SenderStats;
  receiver?: ConnectionStats;
}

function profileArgs(ctx: MeasureContext, name: string): string[] {
  return ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
}

async function throughput(ctx: MeasureContext, kind: 'raw' | 'session'): Promise<ThroughputRun> {
  const window = { warmupMs: THROUGHPUT_WARMUP_MS, windowMs: THROUGHPUT_WINDOW_MS, credentials: ctx.credentials };
  const receiver = WorkerProcess.start<ThroughputMessage>(ctx.workerScript, `${kind}-receiver`, window, {
    execArgv: kind === 'session' ? profileArgs(ctx, 'session-receiver') : [],
  });
  const { port } = await receiver.next('ready');
  const sender = WorkerProcess.start<ThroughputMessage>(
    ctx.workerScript,
    `${kind}-sender`,
    { port, credentials: ctx.credentials },
    {
      execArgv: kind === 'session' ? profileArgs(ctx, 'session-sender') : [],
    },
  );
  try {
    const result = await receiver.next('result');
    const stats = sender.next('senderStats');
    await sender.stop();
    return { bytesPerSecond: ratePerSecond(result.bytes, result.elapsedMs), units: result.datagrams, sender: await stats, receiver: result.connection };
  } finally {
    await sender.stop();
    await receiver.stop();
  }
}

export const measureRawThroughput = (ctx: MeasureContext) => throughput(ctx, 'raw');
export const measureSessionThroughput = (ctx: MeasureContext) => throughput(ctx, 'session');

export interface HandshakeRun {
  perSecond: number;
  failed: number;
  /** Initiations the responder answered with a cookie reply instead of a response. */
  cookieReplies: number;
  rateLimited: number;
}

export async function measureHandshakes(ctx: MeasureContext, o: { parallel: number; alwaysUnderLoad: boolean }): Promise<HandshakeRun> {
  const responder = WorkerProcess.start<HandshakeMessage>(ctx.workerScript, 'handshake-responder', {
    credentials: ctx.credentials,
    alwaysUnderLoad: o.alwaysUnderLoad,
  });
  const { port } = await responder.next('ready');
  const initiator = WorkerProcess.start<HandshakeMessage>(ctx.workerScript, 'handshake-initiator', {
    credentials: ctx.credentials,
    port,
    parallel: o.parallel,
    warmupMs: HANDSHAKE_WARMUP_MS,
    windowMs: HANDSHAKE_WINDOW_MS,
  });
  try {
    const result = await initiator.next('result');
    await initiator.stop();
    const stats = responder.next('responderStats');
    await responder.stop();
    const { drops } = await stats;
    return { perSecond: ratePerSecond(result.completed, result.elapsedMs), failed: result.failed, cookieReplies: drops.cookie ?? 0, rateLimited: drops.rateLimited ?? 0 };
  } finally {
    await initiator.stop();
    await responder.stop();
  }
}

export async function measureDh(ctx: MeasureContext): Promise<DhResult> {
  const worker = WorkerProcess.start<MemoryMessage>(ctx.workerScript, 'dh', { windowMs: DH_WINDOW_MS });
  try {
    return (await worker.next('result')) as DhResult;
  } finally {
    await worker.stop();
  }
}

export interface MemoryRun {
  before: MemorySnapshot;
  after: MemorySnapshot;
  failed: number;
}

export async function measureMemory(ctx: MeasureContext): Promise<MemoryRun> {
  const responder = WorkerProcess.start<MemoryMessage>(ctx.workerScript, 'memory-responder', { credentials: ctx.credentials }, { execArgv: ['--expose-gc'] });
  const { port } = await responder.next('ready');
  const initiators = WorkerProcess.start<MemoryMessage>(ctx.workerScript, 'memory-initiators', {
    credentials: ctx.credentials,
    port,
    concurrency: OPEN_CONCURRENCY,
  });
  try {
    await initiators.next('ready');
    // Warm-up: a few sessions opened and closed, so the baseline already includes compiled code.
    initiators.send({ type: 'open', count: WARMUP_SESSIONS, closeAfter: true });
    await initiators.next('opened');
    responder.send({ type: 'await', live: 0, confirmedTotal: WARMUP_SESSIONS });
    await responder.next('reached');
    await sleep(SETTLE_MS);
    responder.send({ type: 'measure' });
    const before = await responder.next('memory');

    initiators.send({ type: 'open', count: IDLE_SESSIONS, closeAfter: false });
    const opened = await initiators.next('opened');
    responder.send({ type: 'await', live: IDLE_SESSIONS - opened.failed, confirmedTotal: WARMUP_SESSIONS + IDLE_SESSIONS - opened.failed });
    await responder.next('reached');
    await sleep(SETTLE_MS);
    responder.send({ type: 'measure' });
    const after = await responder.next('memory');
    return { before, after, failed: opened.failed };
  } finally {
    await initiators.stop();
    await responder.stop();
  }
}
