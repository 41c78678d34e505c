/**
 * `npm run bench -- transport`: runs every transport measurement, writes the transport section of
 * docs/benchmarks.md and prints the summary. Started by tools/bench/run.mjs from the bundle.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { summariseProfile, type CpuProfile, type ProfileSummary } from '../shared/cpu-profile';
import { formatMBps, formatPercent } from '../shared/format';
import { machineInfo } from '../shared/machine';
import { replaceSection } from '../shared/markdown-section';
import { HANDSHAKE_PARALLEL, RUNS } from './constants';
import { newCredentials } from './credentials';
import { measureDh, measureHandshakes, measureMemory, measureRawThroughput, measureSessionThroughput, type MeasureContext } from './measure';
import { renderTransportSection } from './report';
import { summarise, type HandshakeVariant, type TransportResults } from './results';

export const DOC_PREAMBLE = `# Benchmarks

Produced by \`npm run bench -- <suite>\` (\`transport\`, \`relay\`, \`llm-server\`, \`client\` or \`all\`). Each suite rewrites
only its own section below. Every figure is a ratio against a baseline measured in the same run (the machines are noisy),
with the absolute numbers beside it for reference.
`;

interface Args {
  worker: string;
  doc: string;
  profileDir?: string;
  write: boolean;
  /** Measure only these parts (quick iteration); nothing is written then. */
  only?: Set<string>;
  /** Re-render the report from a saved results file instead of measuring. */
  from?: string;
}

function parseArgs(argv: string[]): Args {
  // Both spellings, like --only=: `--profile-dir DIR` and `--profile-dir=DIR`.
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    if (i >= 0) return argv[i + 1];
    return argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const worker = get('--worker');
  const doc = get('--doc');
  if (!worker || !doc) throw new Error('transport bench: --worker and --doc are required; run it through tools/bench/run.mjs');
  const onlyFlag = argv.find((a) => a.startsWith('--only='));
  const only = onlyFlag ? new Set(onlyFlag.slice('--only='.length).split(',')) : undefined;
  const fromFlag = argv.find((a) => a.startsWith('--from='));
  return { worker, doc, profileDir: get('--profile-dir'), write: !argv.includes('--no-write') && !only, only, from: fromFlag?.slice('--from='.length) };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function readProfiles(dir: string, workerBundle: string): { sender: ProfileSummary; receiver: ProfileSummary } {
  const bundle = readFileSync(workerBundle, 'utf8');
  const load = (name: string) => {
    const file = readdirSync(dir).find((f) => f.startsWith(name));
    if (!file) throw new Error(`no CPU profile ${name} in ${dir}`);
    return summariseProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile, path.basename(workerBundle), bundle);
  };
  return { sender: load('session-sender'), receiver: load('session-receiver') };
}

function printProfile(side: string, p: ProfileSummary): void {
  log(`\n${side}: ${p.totalMs.toFixed(0)} ms CPU`);
  for (const e of p.byModule) log(`  ${formatPercent(e.share).padStart(7)}  ${e.name}`);
  log('  --');
  for (const e of p.byFunction) log(`  ${formatPercent(e.share).padStart(7)}  ${e.name}`);
}

/** Every run's raw results are kept beside the bundles, so the report can be re-rendered without re-measuring. */
const resultsFile = (workerBundle: string) => path.join(path.dirname(workerBundle), 'transport-results.json');

function publish(args: Args, results: TransportResults): void {
  const s = summarise(results);
  log('');
  log(`session ${formatMBps(s.sessionBytesPerSecond)} vs raw ${formatMBps(s.rawBytesPerSecond)}: ${formatPercent(s.throughputRatio)}`);
  for (const h of s.handshakes) log(`handshakes ${h.label}: ${Math.round(h.perSecond)}/s (${formatPercent(h.ratio)} of X25519/s ÷ 4)`);
  log(`memory per idle session: ${Math.round(s.memory.heapAndExternal)} B heap+external, ${Math.round(s.memory.rss)} B RSS`);
  const section = renderTransportSection(results);
  if (args.write) {
    const existing = existsSync(args.doc) ? readFileSync(args.doc, 'utf8') : undefined;
    writeFileSync(args.doc, replaceSection(existing, 'transport', section, DOC_PREAMBLE));
    log(`wrote the transport section of ${args.doc}`);
  } else log(`\n${section}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.from) return publish(args, JSON.parse(readFileSync(args.from, 'utf8')) as TransportResults);
  const started = performance.now();
  const ctx: MeasureContext = { workerScript: args.worker, credentials: newCredentials() };
  const results: TransportResults = {
    machine: machineInfo(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: 'npm run bench -- transport',
    durationS: 0,
    throughput: [],
    dh: [],
    handshakes: [],
    memory: [],
  };
  const wanted = (part: string) => !args.only || args.only.has(part);

  // Raw and session runs alternate, so drift in the machine's load hits both sides of each ratio alike.
  for (let i = 1; i <= RUNS && wanted('throughput'); i++) {
    const raw = await measureRawThroughput(ctx);
    const session = await measureSessionThroughput(ctx);
    results.throughput.push({ raw, session });
    log(`throughput ${i}/${RUNS}: raw ${formatMBps(raw.bytesPerSecond)}, session ${formatMBps(session.bytesPerSecond)}`);
    if (args.only) log(`  sender ${JSON.stringify(session.sender.connection)}\n  receiver ${JSON.stringify(session.receiver)}`);
  }
  for (let i = 1; i <= RUNS && wanted('handshakes'); i++) {
    const dh = await measureDh(ctx);
    results.dh.push(dh);
    log(
      `x25519 ${i}/${RUNS}: node:crypto ${Math.round(dh.rawDhPerSecond)}/s, x25519() ${Math.round(dh.dhPerSecond)}/s ` +
        `(fresh key ${Math.round(dh.freshKeyDhPerSecond)}/s), keygen ${Math.round(dh.keygenPerSecond)}/s`,
    );
  }
  const variants: Omit<HandshakeVariant, 'runs'>[] = [
    { label: 'sequential', parallel: 1, alwaysUnderLoad: false },
    { label: `${HANDSHAKE_PARALLEL} parallel`, parallel: HANDSHAKE_PARALLEL, alwaysUnderLoad: false },
    { label: 'sequential, cookie', parallel: 1, alwaysUnderLoad: true },
    { label: `${HANDSHAKE_PARALLEL} parallel, cookie`, parallel: HANDSHAKE_PARALLEL, alwaysUnderLoad: true },
  ];
  for (const v of wanted('handshakes') ? variants : []) {
    const variant: HandshakeVariant = { ...v, runs: [] };
    for (let i = 1; i <= RUNS; i++) {
      const run = await measureHandshakes(ctx, v);
      variant.runs.push(run);
      log(`handshakes ${v.label} ${i}/${RUNS}: ${Math.round(run.perSecond)}/s (cookie replies ${run.cookieReplies}, failed ${run.failed})`);
    }
    results.handshakes.push(variant);
  }
  for (let i = 1; i <= RUNS && wanted('memory'); i++) {
    const run = await measureMemory(ctx);
    results.memory.push(run);
    log(
      `memory ${i}/${RUNS}: ${run.before.sessions} → ${run.after.sessions} sessions, heap+external ` +
        `${run.before.heapUsed + run.before.external} → ${run.after.heapUsed + run.after.external} B, rss ${run.before.rss} → ${run.after.rss} B`,
    );
  }
  if (args.profileDir) {
    rmSync(args.profileDir, { recursive: true, force: true });
    mkdirSync(args.profileDir, { recursive: true });
    const profiled = await measureSessionThroughput({ ...ctx, profileDir: args.profileDir });
    log(`profiled session run: ${formatMBps(profiled.bytesPerSecond)} (profiles in ${args.profileDir})`);
    results.profile = readProfiles(args.profileDir, args.worker);
    if (args.only) for (const [side, p] of Object.entries(results.profile)) printProfile(side, p);
  }
  if (args.only) return;
  results.durationS = (performance.now() - started) / 1000;
  results.loadAverageEnd = Math.round(os.loadavg()[0] * 100) / 100;
  writeFileSync(resultsFile(args.worker), JSON.stringify(results, null, 2));
  publish(args, results);
}

main().catch((err: unknown) => {
  console.error(`transport bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
