/** Everything one `npm run bench -- transport` measured, and the medians the report shows. */
import type { MachineInfo } from '../shared/machine';
import type { ProfileSummary } from '../shared/cpu-profile';
import { median } from '../shared/stats';
import { DATAGRAM_SIZE } from './constants';
import type { DhResult } from './messages';
import type { HandshakeRun, MemoryRun, ThroughputRun } from './measure';

export interface HandshakeVariant {
  label: string;
  parallel: number;
  alwaysUnderLoad: boolean;
  runs: HandshakeRun[];
}

export interface TransportResults {
  machine: MachineInfo;
  date: string;
  command: string;
  durationS: number;
  /** 1-minute load average when the run ended: other work on the machine skews every figure. */
  loadAverageEnd?: number;
  throughput: { raw: ThroughputRun; session: ThroughputRun }[];
  dh: DhResult[];
  handshakes: HandshakeVariant[];
  memory: MemoryRun[];
  profile?: { sender: ProfileSummary; receiver: ProfileSummary };
}

export interface MemoryPerSession {
  rss: number;
  heapAndExternal: number;
  baselineRss: number;
  baselineHeapAndExternal: number;
}

export interface TransportSummary {
  rawBytesPerSecond: number;
  sessionBytesPerSecond: number;
  /** Median of the per-pair ratios (each pair measured back to back, so drift hits both alike). */
  throughputRatio: number;
  /** Baseline of the handshake ratio: node:crypto's curve operation alone. */
  rawDhPerSecond: number;
  dhPerSecond: number;
  freshKeyDhPerSecond: number;
  keygenPerSecond: number;
  /** AES-GCM of one full datagram on one core; undefined when the results predate the measurement. */
  sealPerSecond?: number;
  openPerSecond?: number;
  /**
   * An upper bound on the ratio: the raw blast runs at the pace of its slower side (t_raw per datagram),
   * and each session side pays at least that side's socket call plus its AES-GCM, so the session needs
   * at least t_raw + the faster of seal and open per datagram: ratio ≤ t_raw ÷ (t_raw + min(seal, open)).
   */
  cryptoCeilingRatio?: number;
  /** ACK-only and other packets the receiving session sent per packet it received (median). */
  receiverPacketsPerReceived: number;
  handshakes: { label: string; perSecond: number; ratio: number; cookieReplies: number; failed: number }[];
  memory: MemoryPerSession;
}

/** Responder-side X25519 operations per IKpsk2 handshake (es, ss, ee, se); the ratio's unit. */
export const RESPONDER_DH_PER_HANDSHAKE = 4;

function cryptoFloor(r: TransportResults): Pick<TransportSummary, 'sealPerSecond' | 'openPerSecond' | 'cryptoCeilingRatio'> {
  const seals = r.dh.flatMap((d) => (d.sealPerSecond ? [d.sealPerSecond] : []));
  const opens = r.dh.flatMap((d) => (d.openPerSecond ? [d.openPerSecond] : []));
  const raw = median(r.throughput.map((t) => t.raw.bytesPerSecond));
  if (seals.length === 0 || opens.length === 0 || raw <= 0) return {};
  const sealPerSecond = median(seals);
  const openPerSecond = median(opens);
  const rawPacketSeconds = DATAGRAM_SIZE / raw;
  const cryptoSeconds = Math.min(1 / sealPerSecond, 1 / openPerSecond);
  return { sealPerSecond, openPerSecond, cryptoCeilingRatio: rawPacketSeconds / (rawPacketSeconds + cryptoSeconds) };
}

export function summarise(r: TransportResults): TransportSummary {
  const rawDhPerSecond = median(r.dh.map((d) => d.rawDhPerSecond));
  const heapAndExternal = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external;
  return {
    rawBytesPerSecond: median(r.throughput.map((t) => t.raw.bytesPerSecond)),
    sessionBytesPerSecond: median(r.throughput.map((t) => t.session.bytesPerSecond)),
    throughputRatio: median(r.throughput.map((t) => (t.raw.bytesPerSecond > 0 ? t.session.bytesPerSecond / t.raw.bytesPerSecond : 0))),
    rawDhPerSecond,
    dhPerSecond: median(r.dh.map((d) => d.dhPerSecond)),
    freshKeyDhPerSecond: median(r.dh.map((d) => d.freshKeyDhPerSecond)),
    keygenPerSecond: median(r.dh.map((d) => d.keygenPerSecond)),
    ...cryptoFloor(r),
    receiverPacketsPerReceived: median(
      r.throughput.map((t) => (t.session.receiver && t.session.receiver.packetsReceived > 0 ? t.session.receiver.packetsSent / t.session.receiver.packetsReceived : 0)),
    ),
    handshakes: r.handshakes.map((v) => {
      const perSecond = median(v.runs.map((x) => x.perSecond));
      return {
        label: v.label,
        perSecond,
        ratio: perSecond / (rawDhPerSecond / RESPONDER_DH_PER_HANDSHAKE),
        cookieReplies: v.runs.reduce((n, x) => n + x.cookieReplies, 0),
        failed: v.runs.reduce((n, x) => n + x.failed, 0),
      };
    }),
    memory: {
      rss: median(r.memory.map((m) => (m.after.rss - m.before.rss) / m.after.sessions)),
      heapAndExternal: median(r.memory.map((m) => (heapAndExternal(m.after) - heapAndExternal(m.before)) / m.after.sessions)),
      baselineRss: median(r.memory.map((m) => m.before.rss)),
      baselineHeapAndExternal: median(r.memory.map((m) => heapAndExternal(m.before))),
    },
  };
}
