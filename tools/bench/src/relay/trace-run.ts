/**
 * One extra chat run, not counted in the figures, with every process's datagrams timestamped
 * (tools/bench/datagram-trace.cjs preloaded through NODE_OPTIONS), broken down hop by hop.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TRACE_MIN_DATA_BYTES, TURNS, WARMUP_TURNS } from './constants';
import { measureSessionTurns } from './measure';
import { parseTrace, stageBreakdown, type StageBreakdown, type TracedDatagram } from './stages';
import { ROOT } from './system';

const PRELOAD = path.join(ROOT, 'tools/bench/datagram-trace.cjs');

/** Which process wrote a trace, from its command line. */
function roleOf(commandLine: string): 'client' | 'relay' | 'llm' | undefined {
  if (commandLine.includes('llm-server/main.cjs')) return 'llm';
  if (commandLine.includes('relay/main.cjs')) return 'relay';
  if (commandLine.includes(' chat-client ')) return 'client';
  return undefined;
}

export async function measureStages(workerScript: string): Promise<StageBreakdown> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-bench-trace-'));
  const saved = { options: process.env.NODE_OPTIONS, dir: process.env.BENCH_DATAGRAM_TRACE_DIR };
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --require ${PRELOAD}`.trim();
  process.env.BENCH_DATAGRAM_TRACE_DIR = dir;
  try {
    await measureSessionTurns(workerScript);
  } finally {
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    if (saved.dir === undefined) delete process.env.BENCH_DATAGRAM_TRACE_DIR;
    else process.env.BENCH_DATAGRAM_TRACE_DIR = saved.dir;
  }
  try {
    const trace: Record<'client' | 'relay' | 'llm', TracedDatagram[]> = { client: [], relay: [], llm: [] };
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.name'))) {
      const role = roleOf(` ${readFileSync(path.join(dir, name), 'utf8')} `);
      const log = path.join(dir, name.replace(/\.name$/, '.log'));
      if (role && existsSync(log)) trace[role] = parseTrace(readFileSync(log, 'utf8'));
    }
    return stageBreakdown(trace, { minBytes: TRACE_MIN_DATA_BYTES, requests: WARMUP_TURNS + TURNS });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
