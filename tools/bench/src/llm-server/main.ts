/**
 * `npm run bench -- llm-server`: the server's turn overhead over its local link and context loading at
 * the 60,000-character maximum. Writes the llm-server section of docs/benchmarks.md. Started by
 * tools/bench/run.mjs from the bundle.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { machineInfo } from '../shared/machine';
import { formatMs, percentile } from '../relay/latency';
import { isoDate, loadResults, parseSuiteArgs, publishSection, saveResults } from '../relay/suite-cli';
import { buildBundles } from '../relay/system';
import { RUNS } from './constants';
import { measureContextLoad, measureTurns } from './measure';
import { renderLlmServerSection } from './report';
import type { LlmServerResults } from './results';

const SUITE = 'llm-server';
const log = (line: string) => process.stdout.write(`${line}\n`);
const p50 = (v: number[]) => formatMs(percentile(v, 50));

async function main(): Promise<void> {
  const args = parseSuiteArgs(process.argv.slice(2), SUITE);
  if (args.from) return publishSection(args, SUITE, renderLlmServerSection(loadResults<LlmServerResults>(args.from)), log);
  const started = performance.now();
  const wanted = (part: string) => !args.only || args.only.has(part);
  log('building the llm-server bundle');
  buildBundles(['llm-server']);
  const results: LlmServerResults = { machine: machineInfo(), date: isoDate(), command: `npm run bench -- ${SUITE}`, durationS: 0, turns: [], context: [] };
  for (let i = 1; i <= RUNS && wanted('turns'); i++) {
    const t = await measureTurns(args.worker);
    results.turns.push(t);
    log(`turns ${i}/${RUNS}: chat p50 ${p50(t.doneMs)} (first delta ${p50(t.firstMs)}), ping p50 ${p50(t.pingMs)}, provider alone ${p50(t.providerMs)}, server CPU ${formatMs(t.serverCpuMsPerTurn)}/turn`);
  }
  for (let i = 1; i <= RUNS && wanted('context'); i++) {
    const c = await measureContextLoad(args.worker);
    results.context.push(c);
    log(`context ${i}/${RUNS}: loadContext p50 ${p50(c.loadMs)}, readFileSync ${p50(c.readMs)}, cached ${p50(c.cachedMs)} (${c.promptChars} prompt chars)`);
  }
  results.durationS = (performance.now() - started) / 1000;
  results.loadAverageEnd = Math.round(os.loadavg()[0] * 100) / 100;
  if (!args.only) saveResults(args, SUITE, results);
  publishSection(args, SUITE, renderLlmServerSection(results), log);
}

main().catch((err: unknown) => {
  console.error(`llm-server bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
