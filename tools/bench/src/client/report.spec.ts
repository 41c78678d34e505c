import type { MachineInfo } from '../shared/machine';
import type { PhaseResult } from './measure';
import { renderClientSection } from './report';
import type { ClientResults } from './results';

const machine: MachineInfo = { cpuModel: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.0.0', os: 'Linux test', loadAverage: [1, 1, 1] };

const typing: PhaseResult = { stream: false, durationMs: 1000, frames: 60, bytesToTerminal: 25_000, cpuMs: 500, keystrokes: 60, dropped: 0, received: 'x', typedShownAfterLastKeyMs: 5 };
const streaming = (dropped: number | undefined): PhaseResult => ({
  stream: true,
  durationMs: 2000,
  frames: 12,
  bytesToTerminal: 970_000,
  cpuMs: 1800,
  keystrokes: 60,
  dropped,
  received: 'x',
  typedShownAfterLastKeyMs: 400,
  firstShownMs: 250,
  endShownMs: 2000,
  providerStreamMs: 950,
  providerChars: 950_000,
  endShownAfterProviderMs: 1000,
});

function results(dropped: number | undefined): ClientResults {
  return {
    machine,
    date: '2026-01-01T00:00:00Z',
    command: 'npm run bench -- client',
    durationS: 25,
    firstStart: { connectingMs: 200, firstFrameMs: 260, connectedMs: 260 },
    startups: [
      { baselineMs: 40, versionMs: 200, connectingMs: 200, firstFrameMs: 280, connectedMs: 280 },
      { baselineMs: 40, versionMs: 210, connectingMs: 190, firstFrameMs: 260, connectedMs: 260 },
      { baselineMs: 50, versionMs: 220, connectingMs: 210, firstFrameMs: 300, connectedMs: 300 },
    ],
    rounds: [{ typing, streaming: streaming(dropped) }],
  };
}

test('start-up: the client first frame against node -e 0, ratio per run and its median', () => {
  const text = renderClientSection(results(0));
  // Ratios 7.0, 6.5, 6.0 → median 6.5; the medians of the times are 280 and 40 ms.
  expect(text).toContain('| Start-up to the first rendered frame (stored credential) | 280 ms | `node -e 0` 40 ms | **6.5×** |');
  expect(text).toContain('| `clawchat --version` (node + loading the bundle) | 210 ms |');
});

test('rendering: fps and CPU against typing alone, and whether keystrokes were dropped', () => {
  const ok = renderClientSection(results(0));
  expect(ok).toContain('| Frames per second while a 1 MB/s reply streams (and keys are typed) | 6.0 fps | typing only 60.0 fps | 10.0 % |');
  expect(ok).toContain('| Client CPU while it streams (share of one core) | 90.0 % | typing only 50.0 % | 1.8× |');
  expect(ok).toContain('| 0 of 60 | typing only 0 of 60 | goal met |');
  expect(ok).toContain('none of 60 was dropped');
  const lost = renderClientSection(results(3));
  expect(lost).toContain('| 3 of 60 | typing only 0 of 60 | goal not met |');
  expect(lost).toContain('3 of 60 did not reach the input line');
  expect(renderClientSection(results(undefined))).toContain('input garbled');
});
