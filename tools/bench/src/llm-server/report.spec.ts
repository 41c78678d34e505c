import type { MachineInfo } from '../shared/machine';
import { renderLlmServerSection } from './report';
import type { LlmServerResults } from './results';

const machine: MachineInfo = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', os: 'Linux test', loadAverage: [1, 1, 1] };
const constant = (n: number, ms: number) => Array.from({ length: n }, () => ms);

function results(): LlmServerResults {
  const turn = { pingMs: constant(50, 0.5), firstMs: constant(50, 1), doneMs: constant(50, 5), providerMs: constant(50, 0.05), serverCpuMsPerTurn: 4, sessionFileBytes: 300 * 1024 };
  const context = { fileChars: 72_000, promptChars: 60_172, files: 6, loadMs: constant(30, 0.25), readMs: constant(30, 0.05), cachedMs: constant(30, 0.1) };
  return { machine, date: '2026-01-01T00:00:00Z', command: 'npm run bench -- llm-server', durationS: 14, turns: [turn, turn, turn], context: [context, context, context] };
}

test('turn figures: ratio to the PING on the same link, overhead against the provider alone', () => {
  const text = renderLlmServerSection(results());
  expect(text).toContain('| 5.00 ms / 5.00 ms | PING → PONG on the same link 500 µs / 500 µs | **10.0×** |');
  expect(text).toContain('| Turn overhead of the server (turn p50 − PING p50) | 4.50 ms | offline provider alone, in-process 50 µs | 90.0× |');
  expect(text).toContain('| Server CPU per chat turn | 4.00 ms | turn p50 5.00 ms | 80.0 % of the turn |');
});

test('context figures: loadContext against readFileSync of the same files', () => {
  const text = renderLlmServerSection(results());
  expect(text).toContain('6 files = 72,000 chars → 60,172-char prompt');
  expect(text).toContain('| 250 µs | `fs.readFileSync` of the same files 50 µs | **5.0×** |');
  expect(text).not.toContain('NaN');
});

test('a run limited to context loading leaves the turn rows out', () => {
  const text = renderLlmServerSection({ ...results(), turns: [] });
  expect(text).not.toContain('Chat turn over the local link');
  expect(text).toContain('Context loading');
  expect(text).not.toContain('NaN');
});
