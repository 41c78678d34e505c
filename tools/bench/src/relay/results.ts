/** Everything one `npm run bench -- relay` measured, and the figures the report shows. */
import type { MachineInfo } from '../shared/machine';
import { median } from '../shared/stats';
import { percentile, summariseLatency, type LatencySummary } from './latency';
import type { IdleRun, SessionTurnsRun } from './measure';
import type { StageBreakdown } from './stages';

export interface RoundTripRun {
  session: SessionTurnsRun;
  /** The plain three-process UDP chain's request → reply times, measured right after the session run. */
  plainMs: number[];
  /** The same chain with an AES-256-GCM seal and open on every hop, measured right after the plain one. */
  sealedMs: number[];
}

export interface RelayResults {
  machine: MachineInfo;
  date: string;
  command: string;
  durationS: number;
  loadAverageEnd?: number;
  roundTrips: RoundTripRun[];
  idle?: IdleRun;
  /** Hop-by-hop breakdown of one extra, traced run (not counted in the figures). */
  stages?: StageBreakdown;
}

export interface RunSummary {
  first: LatencySummary;
  done: LatencySummary;
  ping: LatencySummary;
  hello: LatencySummary;
  plain: LatencySummary;
  sealed: LatencySummary;
  /** p50 session first delta ÷ p50 plain chain, this run's pair. */
  ratioP50: number;
  ratioP99: number;
  /** Full-turn p50 over the first and the last tenth of the turns: does a growing conversation slow turns down? */
  doneEarlyP50: number;
  doneLateP50: number;
}

export interface RelaySummary {
  runs: RunSummary[];
  /** Medians over the runs of each run's figure. */
  firstP50: number;
  firstP99: number;
  doneP50: number;
  doneP99: number;
  pingP50: number;
  pingP99: number;
  helloP50: number;
  helloP99: number;
  sealedP50: number;
  sealedP99: number;
  plainP50: number;
  plainP99: number;
  ratioP50: number;
  ratioP99: number;
  relayCpuMsPerTurn: number;
  llmCpuMsPerTurn: number;
  doneEarlyP50: number;
  doneLateP50: number;
  idle?: {
    rssPerSession: number;
    /** Relay CPU as a share of one core over the window. */
    cpuShareEmpty: number;
    cpuShareSessions: number;
    /** Extra relay CPU per session per keepalive interval (the cost of keeping one idle client). */
    cpuMsPerSessionPerKeepalive: number;
    handshakesPerSecond: number;
  };
}

export function summariseRun(r: RoundTripRun): RunSummary {
  const first = summariseLatency(r.session.firstMs);
  const plain = summariseLatency(r.plainMs);
  const tenth = Math.max(1, Math.floor(r.session.doneMs.length / 10));
  return {
    doneEarlyP50: percentile(r.session.doneMs.slice(0, tenth), 50),
    doneLateP50: percentile(r.session.doneMs.slice(-tenth), 50),
    first,
    done: summariseLatency(r.session.doneMs),
    ping: summariseLatency(r.session.pingMs),
    hello: summariseLatency(r.session.helloMs),
    plain,
    sealed: summariseLatency(r.sealedMs),
    ratioP50: first.p50 / plain.p50,
    ratioP99: first.p99 / plain.p99,
  };
}

export function summarise(r: RelayResults, keepaliveIntervalMs: number): RelaySummary {
  const runs = r.roundTrips.map(summariseRun);
  // A run limited with --only=idle has no round trips: those figures are NaN and the report leaves them out.
  const medianOrNaN = (values: number[]) => (values.length ? median(values) : NaN);
  const med = (f: (s: RunSummary) => number) => medianOrNaN(runs.map(f));
  const idle = r.idle;
  return {
    runs,
    firstP50: med((s) => s.first.p50),
    firstP99: med((s) => s.first.p99),
    doneP50: med((s) => s.done.p50),
    doneP99: med((s) => s.done.p99),
    pingP50: med((s) => s.ping.p50),
    pingP99: med((s) => s.ping.p99),
    helloP50: med((s) => s.hello.p50),
    helloP99: med((s) => s.hello.p99),
    sealedP50: med((s) => s.sealed.p50),
    sealedP99: med((s) => s.sealed.p99),
    plainP50: med((s) => s.plain.p50),
    plainP99: med((s) => s.plain.p99),
    ratioP50: med((s) => s.ratioP50),
    ratioP99: med((s) => s.ratioP99),
    relayCpuMsPerTurn: medianOrNaN(r.roundTrips.map((x) => x.session.relayCpuMsPerTurn)),
    llmCpuMsPerTurn: medianOrNaN(r.roundTrips.map((x) => x.session.llmCpuMsPerTurn)),
    doneEarlyP50: med((s) => s.doneEarlyP50),
    doneLateP50: med((s) => s.doneLateP50),
    idle:
      idle && idle.sessions > 0
        ? {
            rssPerSession: (idle.rssAfter - idle.rssBefore) / idle.sessions,
            cpuShareEmpty: idle.cpuIdleEmptyMs / idle.windowMs,
            cpuShareSessions: idle.cpuIdleSessionsMs / idle.windowMs,
            cpuMsPerSessionPerKeepalive: ((idle.cpuIdleSessionsMs - idle.cpuIdleEmptyMs) / idle.sessions) * (keepaliveIntervalMs / idle.windowMs),
            handshakesPerSecond: (idle.sessions * 1000) / idle.openMs,
          }
        : undefined,
  };
}
