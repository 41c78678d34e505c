/** Everything one `npm run bench -- client` measured, and the figures the report shows. */
import type { MachineInfo } from '../shared/machine';
import { median } from '../shared/stats';
import type { ClientRun, PhaseResult } from './measure';

export interface ClientResults extends ClientRun {
  machine: MachineInfo;
  date: string;
  command: string;
  durationS: number;
  loadAverageEnd?: number;
}

export interface PhaseSummary {
  framesPerSecond: number;
  /** Client CPU as a share of one core over the phase. */
  cpuShare: number;
  /** Dropped keystrokes over all rounds; undefined when some round's input was not a plain drop. */
  dropped: number | undefined;
  keystrokes: number;
  typedShownAfterLastKeyMs: number;
  bytesPerSecond: number;
}

export interface ClientSummary {
  baselineMs: number;
  versionMs: number;
  connectingMs: number;
  firstFrameMs: number;
  connectedMs: number;
  /** Each run's client first frame ÷ its node -e 0, and the median of those. */
  firstFrameRatio: number;
  typing?: PhaseSummary;
  streaming?: PhaseSummary & {
    firstShownMs: number;
    endShownMs: number;
    providerStreamMs: number;
    endShownAfterProviderMs: number;
  };
}

const medianOrNaN = (values: number[]) => (values.length ? median(values) : NaN);

export const fps = (p: PhaseResult): number => (p.frames * 1000) / p.durationMs;
export const cpuShare = (p: PhaseResult): number => p.cpuMs / p.durationMs;

function summarisePhases(phases: PhaseResult[]): PhaseSummary | undefined {
  if (phases.length === 0) return undefined;
  const dropped = phases.every((p) => p.dropped !== undefined) ? phases.reduce((n, p) => n + (p.dropped as number), 0) : undefined;
  return {
    framesPerSecond: median(phases.map(fps)),
    cpuShare: median(phases.map(cpuShare)),
    dropped,
    keystrokes: phases.reduce((n, p) => n + p.keystrokes, 0),
    typedShownAfterLastKeyMs: median(phases.map((p) => p.typedShownAfterLastKeyMs)),
    bytesPerSecond: median(phases.map((p) => (p.bytesToTerminal * 1000) / p.durationMs)),
  };
}

export function summarise(r: ClientResults): ClientSummary {
  const s = r.startups;
  const streamingPhases = r.rounds.map((x) => x.streaming);
  const streaming = summarisePhases(streamingPhases);
  return {
    baselineMs: medianOrNaN(s.map((x) => x.baselineMs)),
    versionMs: medianOrNaN(s.map((x) => x.versionMs)),
    connectingMs: medianOrNaN(s.map((x) => x.connectingMs)),
    firstFrameMs: medianOrNaN(s.map((x) => x.firstFrameMs)),
    connectedMs: medianOrNaN(s.map((x) => x.connectedMs)),
    firstFrameRatio: medianOrNaN(s.map((x) => x.firstFrameMs / x.baselineMs)),
    typing: summarisePhases(r.rounds.map((x) => x.typing)),
    streaming: streaming && {
      ...streaming,
      firstShownMs: median(streamingPhases.map((p) => p.firstShownMs ?? NaN)),
      endShownMs: median(streamingPhases.map((p) => p.endShownMs ?? NaN)),
      providerStreamMs: median(streamingPhases.map((p) => p.providerStreamMs ?? NaN)),
      endShownAfterProviderMs: median(streamingPhases.map((p) => p.endShownAfterProviderMs ?? NaN)),
    },
  };
}
