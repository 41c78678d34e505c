import { parseTrace, stageBreakdown, STAGE_NAMES, type TracedDatagram } from './stages';

const d = (t: number, kind: TracedDatagram['kind'], bytes = 150): TracedDatagram => ({ t, kind, bytes });

test('parseTrace reads the preload’s lines and marks and skips blanks', () => {
  expect(parseTrace('1700000000000.125 S 5000 147\n1700000000000.250 R 5000 40\n1700000000000.5 C 0 0\n\n')).toEqual([
    { t: 1700000000000.125, kind: 'S', bytes: 147 },
    { t: 1700000000000.25, kind: 'R', bytes: 40 },
    { t: 1700000000000.5, kind: 'C', bytes: 0 },
  ]);
});

test('follows each request hop by hop; ACK-sized datagrams and broken chains are left out', () => {
  const trace = {
    // turn 1 at t=0, turn 2 at t=10; turn 3 at t=20 never gets its answer (chain broken)
    client: [d(-0.1, 'C', 0), d(0, 'S'), d(0.05, 'S', 40), d(1.0, 'R'), d(1.15, 'D', 0), d(9.9, 'C', 0), d(10, 'S'), d(11.2, 'R'), d(11.35, 'D', 0), d(20, 'C', 0), d(20, 'S')],
    relay: [d(0.1, 'R'), d(0.15, 'S', 40), d(0.2, 'S'), d(0.8, 'R'), d(0.9, 'S'), d(10.1, 'R'), d(10.2, 'S'), d(11.0, 'R'), d(11.1, 'S'), d(20.1, 'R')],
    llm: [d(0.3, 'R'), d(0.7, 'S'), d(10.3, 'R'), d(10.9, 'S')],
  };
  const b = stageBreakdown(trace, { minBytes: 100, requests: 10 });
  expect(b.samples).toBe(2);
  expect(b.stagesP50Ms.map((s) => s.stage)).toEqual(STAGE_NAMES);
  const p50 = Object.fromEntries(b.stagesP50Ms.map((s) => [s.stage, Number(s.p50Ms.toFixed(3))]));
  expect(p50['client → relay (network)']).toBe(0.1);
  expect(p50['LLM server: CHAT in → first CHAT_DELTA out']).toBe(0.4);
  expect(p50['client: CHAT handed to the session → datagram out']).toBe(0.1);
  expect(p50['client: datagram in → CHAT_DELTA delivered']).toBe(0.15);
  expect(Number(b.totalP50Ms.toFixed(3))).toBe(1.25);
});

test('only the first `requests` client sends count (the run ends with PINGs)', () => {
  const trace = { client: [d(0, 'C', 0), d(0, 'S'), d(1, 'R'), d(1, 'D', 0), d(5, 'C', 0), d(5, 'S'), d(5.2, 'R'), d(5.2, 'D', 0)], relay: [d(0.1, 'R'), d(0.2, 'S'), d(0.8, 'R'), d(0.9, 'S')], llm: [d(0.3, 'R'), d(0.7, 'S')] };
  expect(stageBreakdown(trace, { minBytes: 100, requests: 1 }).samples).toBe(1);
  expect(stageBreakdown({ client: [], relay: [], llm: [] }, { minBytes: 100, requests: 1 })).toEqual({ samples: 0, stagesP50Ms: [], totalP50Ms: 0 });
});
