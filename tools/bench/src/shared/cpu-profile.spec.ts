import { bundleModuleIndex, summariseProfile, type CpuProfile } from './cpu-profile';

const bundle = [
  '"use strict";', // line 0
  '// libs/crypto/src/aead.ts', // 1
  'function aeadSeal() {}', // 2
  '// libs/protocol/src/transport/connection.ts', // 3
  'class ReliableConnection {', // 4
  '  onAck() {}', // 5
  '}', // 6
].join('\n');

describe('bundleModuleIndex', () => {
  it('finds the module comment before each bundled module', () => {
    expect(bundleModuleIndex(bundle)).toEqual([
      { line: 1, module: 'libs/crypto/src/aead.ts' },
      { line: 3, module: 'libs/protocol/src/transport/connection.ts' },
    ]);
  });
});

describe('summariseProfile', () => {
  const url = 'file:///repo/tmp/bench/transport-worker.cjs';
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 100_000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 5, 6] },
      { id: 2, callFrame: { functionName: 'aeadSeal', url, lineNumber: 2 }, children: [4] },
      { id: 3, callFrame: { functionName: 'onAck', url, lineNumber: 5 } },
      { id: 4, callFrame: { functionName: 'final', url: '', lineNumber: -1 } },
      { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 6, callFrame: { functionName: 'doSend', url: 'node:dgram', lineNumber: 10 } },
    ],
    // 10 ms in aeadSeal itself, 30 ms in its native callee, 20 ms in onAck, 40 ms idle, 20 ms in dgram.
    samples: [2, 4, 4, 4, 3, 3, 5, 5, 5, 5, 6, 6],
    timeDeltas: Array(12).fill(10_000),
  };

  it('charges native frames to their JavaScript caller, groups by source module and leaves idle out', () => {
    const s = summariseProfile(profile, 'transport-worker.cjs', bundle);
    expect(s.totalMs).toBe(80);
    expect(s.byModule).toEqual([
      { name: 'libs/crypto/src/aead.ts', ms: 40, share: 0.5 },
      { name: 'libs/protocol/src/transport/connection.ts', ms: 20, share: 0.25 },
      { name: 'node:dgram', ms: 20, share: 0.25 },
    ]);
    expect(s.byFunction[0]).toEqual({ name: 'final (native, from aeadSeal in libs/crypto/src/aead.ts)', ms: 30, share: 0.375 });
  });
});
