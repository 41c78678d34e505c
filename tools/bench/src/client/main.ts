/**
 * `npm run bench -- client`: the terminal client's start-up against `node -e 0`, and its rendering of a
 * reply streamed at 1 MB/s (frames, CPU, dropped keystrokes) against typing alone. Writes the client
 * section of docs/benchmarks.md. Started by tools/bench/run.mjs from the bundle.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { machineInfo } from '../shared/machine';
import { isoDate, loadResults, parseSuiteArgs, publishSection, saveResults } from '../relay/suite-cli';
import { buildBundles } from '../relay/system';
import { STARTUP_RUNS, STREAM_ROUNDS } from './constants';
import { measureClient } from './measure';
import { renderClientSection } from './report';
import type { ClientResults } from './results';

const SUITE = 'client';
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const args = parseSuiteArgs(process.argv.slice(2), SUITE);
  if (args.from) return publishSection(args, SUITE, renderClientSection(loadResults<ClientResults>(args.from)), log);
  const started = performance.now();
  const wanted = (part: string) => !args.only || args.only.has(part);
  log('building the llm-server, relay and client bundles');
  buildBundles(['llm-server', 'relay', 'client']);
  const machine = machineInfo();
  const date = isoDate();
  const run = await measureClient(args.worker, { startupRuns: wanted('startup') ? STARTUP_RUNS : 0, streamRounds: wanted('render') ? STREAM_ROUNDS : 0 }, log);
  const results: ClientResults = {
    machine,
    date,
    command: `npm run bench -- ${SUITE}`,
    durationS: (performance.now() - started) / 1000,
    loadAverageEnd: Math.round(os.loadavg()[0] * 100) / 100,
    ...run,
  };
  if (!args.only) saveResults(args, SUITE, results);
  publishSection(args, SUITE, renderClientSection(results), log);
}

main().catch((err: unknown) => {
  console.error(`client bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
