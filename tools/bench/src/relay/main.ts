/**
 * `npm run bench -- relay`: the chat round trip through the real relay and LLM server against a plain
 * UDP forwarding chain, and the relay's cost of many idle sessions. Writes the relay section of
 * docs/benchmarks.md. Started by tools/bench/run.mjs from the bundle.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { machineInfo } from '../shared/machine';
import { RUNS } from './constants';
import { formatMs, summariseLatency } from './latency';
import { measureIdleSessions, measurePlainTurns, measureSessionTurns } from './measure';
import { renderRelaySection } from './report';
import type { RelayResults } from './results';
import { isoDate, loadResults, parseSuiteArgs, publishSection, saveResults } from './suite-cli';
import { buildBundles } from './system';
import { measureStages } from './trace-run';

const SUITE = 'relay';
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const args = parseSuiteArgs(process.argv.slice(2), SUITE);
  if (args.from) return publishSection(args, SUITE, renderRelaySection(loadResults<RelayResults>(args.from)), log);
  const started = performance.now();
  const wanted = (part: string) => !args.only || args.only.has(part);
  log('building the llm-server and relay bundles');
  buildBundles(['llm-server', 'relay']);
  const results: RelayResults = { machine: machineInfo(), date: isoDate(), command: `npm run bench -- ${SUITE}`, durationS: 0, roundTrips: [] };

  // Session and plain runs alternate, so drift in the machine's load hits both sides of each ratio alike.
  for (let i = 1; i <= RUNS && wanted('roundtrip'); i++) {
    const session = await measureSessionTurns(args.worker);
    const plainMs = await measurePlainTurns(args.worker);
    const sealedMs = await measurePlainTurns(args.worker, true);
    results.roundTrips.push({ session, plainMs, sealedMs });
    const f = summariseLatency(session.firstMs);
    const p = summariseLatency(plainMs);
    const d = summariseLatency(session.doneMs);
    log(
      `round trip ${i}/${RUNS}: first delta p50 ${formatMs(f.p50)} p99 ${formatMs(f.p99)}; done p50 ${formatMs(d.p50)} p99 ${formatMs(d.p99)}; ` +
        `HELLO p50 ${formatMs(summariseLatency(session.helloMs).p50)}; plain p50 ${formatMs(p.p50)} p99 ${formatMs(p.p99)}; ` +
        `sealed p50 ${formatMs(summariseLatency(sealedMs).p50)}; ratio ${(f.p50 / p.p50).toFixed(1)}×`,
    );
  }
  if (wanted('stages')) {
    const stages = (results.stages = await measureStages(args.worker));
    log(
      `stages (traced run, ${stages.samples} turns): ` +
        stages.stagesP50Ms.map((x) => `${x.stage} ${formatMs(x.p50Ms)}`).join('; ') +
        `; chain ${formatMs(stages.totalP50Ms)}`,
    );
  }
  if (wanted('idle')) {
    const idle = (results.idle = await measureIdleSessions(args.worker, log));
    log(
      `idle: relay RSS ${(idle.rssBefore / 1048576).toFixed(1)} → ${(idle.rssAfter / 1048576).toFixed(1)} MiB; CPU over ` +
        `${(idle.windowMs / 1000).toFixed(0)} s ${idle.cpuIdleEmptyMs.toFixed(0)} ms empty, ${idle.cpuIdleSessionsMs.toFixed(0)} ms with sessions`,
    );
  }

  results.durationS = (performance.now() - started) / 1000;
  results.loadAverageEnd = Math.round(os.loadavg()[0] * 100) / 100;
  if (!args.only) saveResults(args, SUITE, results);
  publishSection(args, SUITE, renderRelaySection(results), log);
}

main().catch((err: unknown) => {
  console.error(`relay bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
