/**
 * Where a chat round trip's time goes, from datagram timestamps (tools/bench/datagram-trace.cjs) of
 * the client, the relay and the LLM server in one traced run. For every CHAT the client sends, the
 * chain of datagrams that carries it to the LLM server and the first CHAT_DELTA back is followed hop
 * by hop; ACK-only datagrams are left out by size. The chat client also stamps when it handed the CHAT
 * to its session and when the first CHAT_DELTA came out of it, so the client's own encrypt and decrypt
 * are hops too. All processes run on one machine, so their clocks (performance.timeOrigin + now) agree
 * to within microseconds.
 */
import { percentile } from './latency';

export interface TracedDatagram {
  /** Epoch milliseconds. */
  t: number;
  /** S/R: a datagram sent/received; C/D: the client's marks (CHAT handed over / first delta delivered). */
  kind: 'S' | 'R' | 'C' | 'D';
  bytes: number;
}

const KINDS = new Set(['S', 'R', 'C', 'D']);

export function parseTrace(text: string): TracedDatagram[] {
  const out: TracedDatagram[] = [];
  for (const line of text.split('\n')) {
    const [t, kind, , bytes] = line.split(' ');
    if (KINDS.has(kind) && bytes !== undefined) out.push({ t: Number(t), kind: kind as TracedDatagram['kind'], bytes: Number(bytes) });
  }
  return out;
}

type Who = 'client' | 'relay' | 'llm';

/** The hops of CHAT → first CHAT_DELTA, in order, after the turn's start: who must send or receive next. */
const CHAIN: { who: Who; kind: TracedDatagram['kind']; stage: string }[] = [
  { who: 'client', kind: 'S', stage: 'client: CHAT handed to the session → datagram out' },
  { who: 'relay', kind: 'R', stage: 'client → relay (network)' },
  { who: 'relay', kind: 'S', stage: 'relay: client session → local link' },
  { who: 'llm', kind: 'R', stage: 'relay → LLM server (network)' },
  { who: 'llm', kind: 'S', stage: 'LLM server: CHAT in → first CHAT_DELTA out' },
  { who: 'relay', kind: 'R', stage: 'LLM server → relay (network)' },
  { who: 'relay', kind: 'S', stage: 'relay: local link → client session' },
  { who: 'client', kind: 'R', stage: 'relay → client (network)' },
  { who: 'client', kind: 'D', stage: 'client: datagram in → CHAT_DELTA delivered' },
];

export const STAGE_NAMES = CHAIN.map((c) => c.stage);

export interface StageBreakdown {
  /** Round trips whose whole chain was found. */
  samples: number;
  /** p50 of each stage in ms, in chain order, and of the whole chain. */
  stagesP50Ms: { stage: string; p50Ms: number }[];
  totalP50Ms: number;
}

/**
 * `minBytes` separates data from ACK-only datagrams (~40 bytes); `requests` limits the analysis to the
 * chat turns (the run ends with PINGs, which the relay answers itself). A turn starts at the client's
 * "C" mark.
 */
export function stageBreakdown(trace: Record<Who, TracedDatagram[]>, o: { minBytes: number; requests: number }): StageBreakdown {
  const events = (['client', 'relay', 'llm'] as const)
    .flatMap((who) => trace[who].filter((d) => d.bytes >= o.minBytes || d.kind === 'C' || d.kind === 'D').map((d) => ({ ...d, who })))
    .sort((a, b) => a.t - b.t);
  const requestAt = events.flatMap((e, i) => (e.who === 'client' && e.kind === 'C' ? [i] : [])).slice(0, o.requests);
  const perStage: number[][] = CHAIN.map(() => []);
  const totals: number[] = [];
  requestAt.forEach((start, n) => {
    const end = n + 1 < requestAt.length ? requestAt[n + 1] : events.length;
    const times = [events[start].t];
    let i = start;
    for (const step of CHAIN) {
      i++;
      while (i < end && !(events[i].who === step.who && events[i].kind === step.kind)) i++;
      if (i >= end) return; // chain broken (a retransmission, a ping): leave this turn out
      times.push(events[i].t);
    }
    CHAIN.forEach((_, s) => perStage[s].push(times[s + 1] - times[s]));
    totals.push(times[times.length - 1] - times[0]);
  });
  if (totals.length === 0) return { samples: 0, stagesP50Ms: [], totalP50Ms: 0 };
  return {
    samples: totals.length,
    stagesP50Ms: CHAIN.map((c, s) => ({ stage: c.stage, p50Ms: percentile(perStage[s], 50) })),
    totalP50Ms: percentile(totals, 50),
  };
}
