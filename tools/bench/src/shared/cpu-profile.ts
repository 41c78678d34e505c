/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) by source module and by function. The profiled code
 * is an esbuild bundle, whose `// path/to/module.ts` comments tell which source module a line came
 * from. Native frames (no URL) are charged to the nearest JavaScript caller, so time spent inside
 * OpenSSL shows up under the node:crypto function that called it.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  byModule: ProfileEntry[];
  byFunction: ProfileEntry[];
}

/** Line (0-based) → module path, from the bundle's module comments. */
export function bundleModuleIndex(bundleText: string): { line: number; module: string }[] {
  const index: { line: number; module: string }[] = [];
  const lines = bundleText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\/\/ ((?:libs|apps|tools|node_modules|e2e)\/\S+\.[cm]?[jt]sx?)$/.exec(lines[i]);
    if (m) index.push({ line: i, module: m[1] });
  }
  return index;
}

function moduleAt(index: { line: number; module: string }[], line: number): string {
  let lo = 0;
  let hi = index.length - 1;
  let found = '(bundle prelude)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (index[mid].line <= line) {
      found = index[mid].module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const SPECIAL = new Set(['(garbage collector)', '(idle)', '(program)', '(root)']);

export function summariseProfile(profile: CpuProfile, bundleUrlSuffix: string, bundleText: string, top = 15): ProfileSummary {
  const index = bundleModuleIndex(bundleText);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const label = (node: CpuProfileNode): { module: string; fn: string } => {
    const f = node.callFrame;
    if (SPECIAL.has(f.functionName)) return { module: f.functionName, fn: f.functionName };
    let owner: CpuProfileNode | undefined = node;
    while (owner && !owner.callFrame.url) {
      const p = parent.get(owner.id);
      owner = p === undefined ? undefined : byId.get(p);
      if (owner && SPECIAL.has(owner.callFrame.functionName)) owner = undefined;
    }
    if (!owner) return { module: '(native)', fn: `${f.functionName || '(anonymous)'} (native)` };
    const url = owner.callFrame.url;
    const module = url.endsWith(bundleUrlSuffix) ? moduleAt(index, owner.callFrame.lineNumber) : url.replace(/^file:\/\/.*\//, '');
    const name = f.functionName || '(anonymous)';
    const fn = owner === node ? `${name} (${module})` : `${name} (native, from ${owner.callFrame.functionName || '(anonymous)'} in ${module})`;
    return { module, fn };
  };

  const moduleMs = new Map<string, number>();
  const fnMs = new Map<string, number>();
  const labels = new Map<number, { module: string; fn: string }>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || ms <= 0) continue;
    let l = labels.get(id);
    if (!l) labels.set(id, (l = label(node)));
    if (l.module === '(idle)') continue; // waiting for datagrams is not work
    totalMs += ms;
    moduleMs.set(l.module, (moduleMs.get(l.module) ?? 0) + ms);
    fnMs.set(l.fn, (fnMs.get(l.fn) ?? 0) + ms);
  }
  const rank = (m: Map<string, number>): ProfileEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: totalMs > 0 ? ms / totalMs : 0 }));
  return { totalMs, byModule: rank(moduleMs), byFunction: rank(fnMs) };
}
