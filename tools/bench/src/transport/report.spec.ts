import type { ConnectionStats } from '@clawchat/protocol';
import type { MachineInfo } from '../shared/machine';
import type { ThroughputRun } from './measure';
import { renderTransportSection } from './report';
import { summarise, type TransportResults } from './results';

const machine: MachineInfo = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.0.0', os: 'Linux test x64', loadAverage: [0.5, 0.4, 0.3] };
const conn = (o: Partial<ConnectionStats>): ConnectionStats => ({
  packetsSent: 1000,
  packetsReceived: 1000,
  packetsLost: 10,
  bytesSent: 0,
  bytesReceived: 0,
  rttMs: 50,
  cwnd: 1 << 20,
  bytesInFlight: 0,
  ...o,
});
const run = (bytesPerSecond: number, receiverSent = 250): ThroughputRun => ({
  bytesPerSecond,
  units: 1,
  sender: { type: 'senderStats', datagramsSent: 1, sendErrors: 0, connection: conn({}) },
  receiver: conn({ packetsSent: receiverSent, packetsReceived: 1000 }),
});
const memory = (before: number, after: number) => ({
  before: { type: 'memory' as const, sessions: 0, rss: 50e6, heapUsed: before, external: 0, arrayBuffers: 0 },
  after: { type: 'memory' as const, sessions: 1000, rss: 60e6, heapUsed: after, external: 0, arrayBuffers: 0 },
  failed: 0,
});

function results(sessionRates: number[]): TransportResults {
  return {
    machine,
    date: '2026-01-01T00:00:00Z',
    command: 'npm run bench -- transport',
    durationS: 90,
    // Pairs: raw 200 / 100 / 300 MB/s; the ratio is the median of the per-pair ratios.
    throughput: [200e6, 100e6, 300e6].map((raw, i) => ({ raw: run(raw), session: run(sessionRates[i]) })),
    dh: [{ type: 'result', rawDhPerSecond: 2000, dhPerSecond: 1800, freshKeyDhPerSecond: 900, keygenPerSecond: 6000 }],
    handshakes: [
      { label: '16 parallel', parallel: 16, alwaysUnderLoad: false, runs: [{ perSecond: 250, failed: 0, cookieReplies: 0, rateLimited: 0 }] },
      { label: '16 parallel, cookie', parallel: 16, alwaysUnderLoad: true, runs: [{ perSecond: 200, failed: 0, cookieReplies: 400, rateLimited: 0 }] },
    ],
    memory: [memory(6e6, 13e6), memory(6e6, 14e6), memory(6e6, 12e6)],
  };
}

describe('summarise', () => {
  it('takes the median of per-pair ratios, handshakes against DH/s ÷ 4, memory per session', () => {
    const s = summarise(results([20e6, 60e6, 90e6])); // ratios 0.1, 0.6, 0.3
    expect(s.throughputRatio).toBeCloseTo(0.3);
    expect(s.rawBytesPerSecond).toBe(200e6);
    expect(s.sessionBytesPerSecond).toBe(60e6);
    expect(s.handshakes[0].ratio).toBeCloseTo(250 / 500);
    expect(s.memory.heapAndExternal).toBe(7000);
    expect(s.receiverPacketsPerReceived).toBe(0.25);
  });
});

describe('renderTransportSection', () => {
  it('names the machine and command and says the goal is not met below 50 %', () => {
    const md = renderTransportSection(results([20e6, 60e6, 90e6]));
    expect(md).toContain('## Transport');
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('`npm run bench -- transport`');
    expect(md).toContain('**30.0 %** (goal ≥ 50.0 %: not met)');
    expect(md).toContain('| Handshakes/s, 16 parallel | 250 /s | 2,000 X25519/s on one core | 50.0 % |');
    expect(md).toContain('sent 0.25 packets (ACKs) per data packet it received.');
    expect(md).toContain('importing a raw private key (PKCS#8 DER) costs more than the DH itself');
  });

  it('says the goal is met at or above 50 %', () => {
    const md = renderTransportSection(results([120e6, 60e6, 200e6]));
    expect(md).toContain('(goal ≥ 50.0 %: met)');
  });
});

test('the AES-GCM floor gives the best ratio a session could reach on this machine', () => {
  const r = results([50e6, 50e6, 50e6]);
  // raw median 200 MB/s → 6 µs per 1,200-byte datagram; seal is the faster at 2 µs → 6 / (6 + 2) = 75 %.
  r.dh = [{ type: 'result', rawDhPerSecond: 2000, dhPerSecond: 1800, freshKeyDhPerSecond: 900, keygenPerSecond: 6000, sealPerSecond: 500_000, openPerSecond: 250_000 }];
  const text = renderTransportSection(r);
  expect(text).toContain('Sealing one full datagram costs 2.0 µs and opening one 4.0 µs');
  expect(text).toContain('would reach at most 75.0 % of the raw blast');
  // Saved results from before the measurement render without it.
  expect(renderTransportSection(results([50e6, 50e6, 50e6]))).not.toContain('Sealing one full datagram');
});
