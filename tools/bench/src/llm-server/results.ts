/** Everything one `npm run bench -- llm-server` measured, and the figures the report shows. */
import type { MachineInfo } from '../shared/machine';
import { median } from '../shared/stats';
import { percentile } from '../relay/latency';
import type { ContextTimes } from './messages';
import type { TurnsRun } from './measure';

export interface LlmServerResults {
  machine: MachineInfo;
  date: string;
  command: string;
  durationS: number;
  loadAverageEnd?: number;
  turns: TurnsRun[];
  context: Omit<ContextTimes, 'type'>[];
}

const medianOrNaN = (values: number[]) => (values.length ? median(values) : NaN);

export interface LlmServerSummary {
  pingP50: number;
  pingP99: number;
  firstP50: number;
  doneP50: number;
  doneP99: number;
  providerP50: number;
  /** Each run's p50 turn ÷ its p50 PING, and the median of those. */
  turnOverPingRatio: number;
  /** What the server adds to a turn beyond a PING round trip, at the median. */
  overheadP50: number;
  serverCpuMsPerTurn: number;
  sessionFileBytes: number;
  doneEarlyP50: number;
  doneLateP50: number;
  loadP50: number;
  readP50: number;
  cachedP50: number;
  loadOverReadRatio: number;
}

export function summarise(r: LlmServerResults): LlmServerSummary {
  const p50 = (v: number[]) => percentile(v, 50);
  const t = r.turns;
  const tenth = (v: number[]) => Math.max(1, Math.floor(v.length / 10));
  return {
    pingP50: medianOrNaN(t.map((x) => p50(x.pingMs))),
    pingP99: medianOrNaN(t.map((x) => percentile(x.pingMs, 99))),
    firstP50: medianOrNaN(t.map((x) => p50(x.firstMs))),
    doneP50: medianOrNaN(t.map((x) => p50(x.doneMs))),
    doneP99: medianOrNaN(t.map((x) => percentile(x.doneMs, 99))),
    providerP50: medianOrNaN(t.map((x) => p50(x.providerMs))),
    turnOverPingRatio: medianOrNaN(t.map((x) => p50(x.doneMs) / p50(x.pingMs))),
    overheadP50: medianOrNaN(t.map((x) => p50(x.doneMs) - p50(x.pingMs))),
    serverCpuMsPerTurn: medianOrNaN(t.map((x) => x.serverCpuMsPerTurn)),
    sessionFileBytes: medianOrNaN(t.map((x) => x.sessionFileBytes)),
    doneEarlyP50: medianOrNaN(t.map((x) => p50(x.doneMs.slice(0, tenth(x.doneMs))))),
    doneLateP50: medianOrNaN(t.map((x) => p50(x.doneMs.slice(-tenth(x.doneMs))))),
    loadP50: medianOrNaN(r.context.map((c) => p50(c.loadMs))),
    readP50: medianOrNaN(r.context.map((c) => p50(c.readMs))),
    cachedP50: medianOrNaN(r.context.map((c) => p50(c.cachedMs))),
    loadOverReadRatio: medianOrNaN(r.context.map((c) => p50(c.loadMs) / p50(c.readMs))),
  };
}
