import type { MachineInfo } from '../shared/machine';
import { renderRelaySection } from './report';
import type { RelayResults } from './results';

const machine: MachineInfo = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', os: 'Linux test', loadAverage: [1, 1, 1] };
const constant = (n: number, ms: number) => Array.from({ length: n }, () => ms);

function results(firstMs: number, plainMs: number, helloMs = 0.6, sealedMs = 0.3): RelayResults {
  const run = {
    session: {
      firstMs: constant(100, firstMs),
      doneMs: [...constant(10, 4), ...constant(80, 5), ...constant(10, 6)],
      pingMs: constant(100, 0.3),
      helloMs: constant(100, helloMs),
      relayCpuMsPerTurn: 1,
      llmCpuMsPerTurn: 3,
    },
    plainMs: constant(100, plainMs),
    sealedMs: constant(100, sealedMs),
  };
  return {
    machine,
    date: '2026-01-01T00:00:00Z',
    command: 'npm run bench -- relay',
    durationS: 90,
    roundTrips: [run, run, run],
    idle: {
      sessions: 1000,
      failed: 0,
      openMs: 10_000,
      windowMs: 25_000,
      rssBefore: 50 * 1024 * 1024,
      rssAfter: 70 * 1024 * 1024,
      cpuIdleEmptyMs: 100,
      cpuIdleSessionsMs: 600,
      cpuOpenMs: 5000,
    },
  };
}

test('the round-trip ratio is session p50 ÷ plain p50, judged against the 2× goal', () => {
  const slow = renderRelaySection(results(2, 0.2));
  expect(slow).toContain('| Chat round trip, CHAT sent → first CHAT_DELTA, p50 | 2.00 ms | plain UDP chain 200 µs | **10.0×** (goal ≤ 2×: not met)');
  expect(slow).toMatch(/Measured 2026-01-01T00:00:00Z with `npm run bench -- relay` \(90 s\) on Test CPU, 2 cores/);
  const fast = renderRelaySection(results(0.3, 0.2));
  expect(fast).toContain('**1.5×** (goal ≤ 2×: met)');
  // The growth of a turn over the conversation: first tenth 4 ms, last tenth 6 ms.
  expect(slow).toContain('4.00 ms over the first tenth of the turns and 6.00 ms over the last tenth (1,050 turns in the conversation by then): turns slow down');
});

test("the goal's budget is split into encryption, the rest of the transport and the turn itself", () => {
  // plain 200 µs, sealed 300 µs, HELLO 600 µs, first delta 1 ms: the budget (400 µs) is gone before the turn starts.
  const over = renderRelaySection(results(1, 0.2, 0.6, 0.3));
  expect(over).toContain('| HELLO → WELCOME through relay and LLM server');
  expect(over).toContain('| 600 µs | plain UDP chain p50 200 µs | 3.0× |');
  expect(over).toContain('| Plain chain with an AES-256-GCM seal and open on every hop (no reliability, no parsing), p50 | 300 µs | plain UDP chain p50 200 µs | 1.5× |');
  expect(over).toContain(
    "Where the goal's budget goes: 2× the plain chain is 400 µs. Encrypting every hop alone takes the chain to 300 µs (1.5×, +100 µs); " +
      'HELLO → WELCOME, the same four hops through the real session layer, relay and LLM server with next to no work at the ends, takes 600 µs (3.0×: ' +
      "the reliable session, message codec and forwarding add 300 µs to the encryption); the chat turn adds 400 µs more: its own start",
  );
  expect(over).toContain('which the HELLOs never have. So even a request with no work at either end is 3.0× the plain chain');
  // A transport inside the budget leaves the turn the rest.
  const under = renderRelaySection(results(0.39, 0.2, 0.35, 0.25));
  expect(under).toContain('A chat turn has 50 µs of the budget left after the hops.');
});

test('idle sessions: RSS per session and keepalive CPU against the empty relay', () => {
  const text = renderRelaySection(results(2, 0.2));
  expect(text).toContain('| Relay RSS per idle session (1,000 sessions) | 20.5 KiB | relay with no session 50.0 MiB |');
  // (600 − 100) ms over 25 s for 1,000 sessions = 0.5 ms per session per 25 s interval.
  expect(text).toContain('500 µs per session per 25 s keepalive interval');
  expect(text).toContain('| 6.0× |');
});

test('a run limited to the idle part renders without round-trip rows', () => {
  const r = { ...results(2, 0.2), roundTrips: [] };
  const text = renderRelaySection(r);
  expect(text).not.toContain('Chat round trip, CHAT sent');
  expect(text).toContain('Relay RSS per idle session');
  expect(text).not.toContain('NaN');
});

test('the traced run’s hops are listed with their share, and the largest are named', () => {
  const r = results(1, 0.2);
  r.stages = {
    samples: 1000,
    totalP50Ms: 1,
    stagesP50Ms: [
      { stage: 'client → relay (network)', p50Ms: 0.1 },
      { stage: 'relay: client session → local link', p50Ms: 0.1 },
      { stage: 'relay → LLM server (network)', p50Ms: 0.1 },
      { stage: 'LLM server: CHAT in → first CHAT_DELTA out', p50Ms: 0.4 },
      { stage: 'LLM server → relay (network)', p50Ms: 0.1 },
      { stage: 'relay: local link → client session', p50Ms: 0.1 },
      { stage: 'relay → client (network)', p50Ms: 0.1 },
    ],
  };
  const text = renderRelaySection(r);
  expect(text).toContain('| LLM server: CHAT in → first CHAT_DELTA out | 400 µs | 40.0 % |');
  expect(text).toContain('the largest hops were LLM server: CHAT in → first CHAT_DELTA out (400 µs)');
  expect(text).toContain("time inside the relay and the LLM server was 60.0 % of the hops' summed medians");
  expect(renderRelaySection(results(1, 0.2))).not.toContain('Where the first delta');
});
