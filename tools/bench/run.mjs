#!/usr/bin/env node
// `npm run bench -- [transport|relay|llm-server|client|all] [flags]`
// Bundles each suite's TypeScript entry and worker into tmp/bench/ and runs it as a separate node
// process; the suite writes its own section of docs/benchmarks.md. Adding a suite = one entry in `suites`.
// Flags: --profile (one extra CPU-profiled run, summarised in the report), --no-write (print instead),
// --only=throughput,handshakes,memory (quick look, writes nothing), --from=tmp/bench/transport-results.json
// (re-render the report from the last run's saved results without measuring again).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bundleEntry, outDir, root } from './bundle.mjs';

/** A suite has a main (the orchestrator) and a worker (every measured process). */
const suites = {
  transport: { main: 'tools/bench/src/transport/main.ts', worker: 'tools/bench/src/transport/worker.ts' },
  relay: { main: 'tools/bench/src/relay/main.ts', worker: 'tools/bench/src/relay/worker.ts' },
  'llm-server': { main: 'tools/bench/src/llm-server/main.ts', worker: 'tools/bench/src/llm-server/worker.ts' },
  client: { main: 'tools/bench/src/client/main.ts', worker: 'tools/bench/src/client/worker.ts' },
};

const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const names = args.filter((a) => !a.startsWith('--'));
const requested = names.length === 0 || names.includes('all') ? Object.keys(suites) : names;

const unknown = requested.filter((n) => !(n in suites));
if (unknown.length) {
  console.error(`unknown benchmark suite "${unknown[0]}": choose one of ${Object.keys(suites).join(', ')}, all`);
  process.exit(2);
}

let failed = false;
for (const name of requested) {
  const suite = suites[name];
  console.log(`== ${name}`);
  const main = await bundleEntry(suite.main, `${name}-main`);
  const worker = await bundleEntry(suite.worker, `${name}-worker`);
  const suiteArgs = ['--worker', worker, '--doc', path.join(root, 'docs/benchmarks.md')];
  // --profile becomes the suite's profile directory; every other flag (--no-write, --only=...) passes through.
  for (const flag of flags) suiteArgs.push(...(flag === '--profile' ? ['--profile-dir', path.join(outDir, `${name}-profiles`)] : [flag]));
  const r = spawnSync(process.execPath, [main, ...suiteArgs], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${name} benchmark failed (exit ${r.status ?? r.signal})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
