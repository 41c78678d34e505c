/**
 * The command line and the docs/benchmarks.md write shared by the relay, llm-server and client suites
 * (same flags as the transport suite: --no-write, --only=part,part, --from=saved-results.json).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { replaceSection } from '../shared/markdown-section';

/** Used only when docs/benchmarks.md does not exist yet (the transport suite writes the same text). */
export const DOC_PREAMBLE = `# Benchmarks

Produced by \`npm run bench -- <suite>\` (\`transport\`, \`relay\`, \`llm-server\`, \`client\` or \`all\`). Each suite rewrites
only its own section below. Every figure is a ratio against a baseline measured in the same run (the machines are noisy),
with the absolute numbers beside it for reference.
`;

export interface SuiteArgs {
  worker: string;
  doc: string;
  write: boolean;
  /** Measure only these parts (quick iteration); nothing is written then. */
  only?: Set<string>;
  /** Re-render the report from a saved results file instead of measuring. */
  from?: string;
}

export function parseSuiteArgs(argv: string[], suite: string): SuiteArgs {
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const worker = get('--worker');
  const doc = get('--doc');
  if (!worker || !doc) throw new Error(`${suite} bench: --worker and --doc are required; run it through tools/bench/run.mjs`);
  const onlyFlag = argv.find((a) => a.startsWith('--only='));
  const only = onlyFlag ? new Set(onlyFlag.slice('--only='.length).split(',')) : undefined;
  const fromFlag = argv.find((a) => a.startsWith('--from='));
  return { worker, doc, write: !argv.includes('--no-write') && !only, only, from: fromFlag?.slice('--from='.length) };
}

/** Raw results of the last run, kept beside the bundles so the report can be re-rendered without re-measuring. */
export function resultsFile(args: SuiteArgs, suite: string): string {
  return path.join(path.dirname(args.worker), `${suite}-results.json`);
}

export function saveResults(args: SuiteArgs, suite: string, results: unknown): void {
  writeFileSync(resultsFile(args, suite), JSON.stringify(results, null, 2));
}

export function loadResults<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Writes the suite's section of docs/benchmarks.md, or prints it with --no-write. */
export function publishSection(args: SuiteArgs, suite: string, section: string, log: (line: string) => void): void {
  if (args.write) {
    const existing = existsSync(args.doc) ? readFileSync(args.doc, 'utf8') : undefined;
    writeFileSync(args.doc, replaceSection(existing, suite, section, DOC_PREAMBLE));
    log(`wrote the ${suite} section of ${args.doc}`);
  } else log(`\n${section}`);
}

export const isoDate = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** "Measured <date> with `<command>` (<s> s) on <machine>; load average …" — the first line of every section. */
export function measuredLine(r: {
  date: string;
  command: string;
  durationS: number;
  loadAverageEnd?: number;
  machine: { cpuModel: string; cores: number; memoryGiB: number; node: string; os: string; loadAverage: number[] };
}): string {
  const m = r.machine;
  return (
    `Measured ${r.date} with \`${r.command}\` (${r.durationS.toFixed(0)} s) on ${m.cpuModel}, ${m.cores} cores, ` +
    `${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average (1/5/15 min) at start ${m.loadAverage.join(' ')}` +
    `${r.loadAverageEnd !== undefined ? `, 1-min at end ${r.loadAverageEnd}` : ''}.`
  );
}
