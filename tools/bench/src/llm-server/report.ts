/** Renders the llm-server section of docs/benchmarks.md from one run's results. */
import { formatBytes, formatCount, formatPercent } from '../shared/format';
import { formatMs, percentile } from '../relay/latency';
import { measuredLine } from '../relay/suite-cli';
import { CONTEXT_FILE_CHARS, CONTEXT_LOADS, TURNS, WARMUP_TURNS } from './constants';
import { summarise, type LlmServerResults } from './results';

const list = (values: number[], f: (n: number) => string) => values.map(f).join(' / ');
const times = (ratio: number) => `${ratio.toFixed(1)}×`;
const p50 = (v: number[]) => percentile(v, 50);

export function renderLlmServerSection(r: LlmServerResults): string {
  const s = summarise(r);
  const out: string[] = [];
  out.push('## LLM server');
  out.push('');
  out.push(
    `${measuredLine(r)} Turn figures are the median over ${r.turns.length} runs of ${formatCount(TURNS)} turns (each run a fresh ` +
      `server and conversation); context figures the median over ${r.context.length} runs of ${formatCount(CONTEXT_LOADS)} loads. ` +
      `Every baseline was measured in the same run.`,
  );
  out.push('');
  out.push('| Measurement | Result (median) | Baseline (same run) | Ratio | Runs |');
  out.push('|---|---:|---:|---:|---|');
  if (r.turns.length) {
    out.push(
      `| Chat turn over the local link, CHAT in → CHAT_DONE out (offline provider), p50 / p99 | ${formatMs(s.doneP50)} / ${formatMs(s.doneP99)} | ` +
        `PING → PONG on the same link ${formatMs(s.pingP50)} / ${formatMs(s.pingP99)} | **${times(s.turnOverPingRatio)}** | ` +
        `${list(r.turns.map((t) => p50(t.doneMs)), formatMs)} vs ${list(r.turns.map((t) => p50(t.pingMs)), formatMs)} |`,
    );
    out.push(
      `| Turn overhead of the server (turn p50 − PING p50) | ${formatMs(s.overheadP50)} | offline provider alone, in-process ${formatMs(s.providerP50)} | ` +
        `${times(s.overheadP50 / s.providerP50)} | provider ${list(r.turns.map((t) => p50(t.providerMs)), formatMs)} |`,
    );
    out.push(
      `| CHAT in → first CHAT_DELTA out, p50 | ${formatMs(s.firstP50)} | PING p50 ${formatMs(s.pingP50)} | ${times(s.firstP50 / s.pingP50)} | ` +
        `${list(r.turns.map((t) => p50(t.firstMs)), formatMs)} |`,
    );
    out.push(
      `| Server CPU per chat turn | ${formatMs(s.serverCpuMsPerTurn)} | turn p50 ${formatMs(s.doneP50)} | ${formatPercent(s.serverCpuMsPerTurn / s.doneP50)} of the turn | ` +
        `${list(r.turns.map((t) => t.serverCpuMsPerTurn), formatMs)} |`,
    );
  }
  if (r.context.length) {
    const c = r.context[0];
    out.push(
      `| Context loading, ${c.files} files = ${formatCount(c.fileChars)} chars → ${formatCount(c.promptChars)}-char prompt (\`loadContext\`) | ` +
        `${formatMs(s.loadP50)} | \`fs.readFileSync\` of the same files ${formatMs(s.readP50)} | **${times(s.loadOverReadRatio)}** | ` +
        `${list(r.context.map((x) => p50(x.loadMs)), formatMs)} vs ${list(r.context.map((x) => p50(x.readMs)), formatMs)} |`,
    );
    out.push(
      `| Context per turn, files unchanged (\`ContextCache.get\`: stat only) | ${formatMs(s.cachedP50)} | \`fs.readFileSync\` ${formatMs(s.readP50)} | ` +
        `${times(s.cachedP50 / s.readP50)} | ${list(r.context.map((x) => p50(x.cachedMs)), formatMs)} |`,
    );
  }
  out.push('');
  out.push('### How it was measured');
  out.push('');
  out.push(
    `* **Turns**: the real server bundle (\`dist/apps/llm-server/main.cjs\`, built at the start of the run) in a temporary folder with the ` +
      `starter context and \`CLAWCHAT_LLM_PROVIDER=offline\`. A worker process plays the relay: it opens the local link (NNpsk0 with ` +
      `\`<state>/local.key\`), announces one client with CLIENT_OPEN and sends requests one at a time on that client's streams, after ` +
      `${WARMUP_TURNS} warm-up rounds. First ${formatCount(TURNS)} PINGs, then ${formatCount(TURNS)} CHATs; each CHAT's time runs until ` +
      `CHAT_DONE, which the server sends once the turn is written to llm_session.json. Server CPU is its utime + stime ` +
      `(/proc/<pid>/stat) over the CHATs ÷ ${formatCount(TURNS)}.`,
  );
  out.push(
    `* **Baseline: PING/PONG over the same link.** It crosses the same sockets, encryption, reliability layer, stream demultiplexing and ` +
      `message decoding as a CHAT and is answered by the same router, but does no chat work. The difference is what a turn costs the ` +
      `server itself: context check, prompt assembly, the provider's stream, the deltas, the conversation write. The offline provider's ` +
      `own time (the same question streamed to completion in the worker process, no server) is given beside it as the floor of that work.`,
  );
  out.push(
    `* **Context loading**: six context files of ${formatCount(CONTEXT_FILE_CHARS)} characters (headings, paragraphs, lists) in a temp ` +
      `folder, past the 60,000-character total cap so truncation runs too. \`loadContext\` builds a new cache each call (every file read, ` +
      `the prompt assembled); the baseline reads the same six files with \`fs.readFileSync(…, 'utf8')\`. Calls alternate in blocks of ten, ` +
      `in one worker process. \`ContextCache.get\` on unchanged files is what the server pays per turn.`,
  );
  out.push('');
  out.push('### Interpretation');
  out.push('');
  if (r.turns.length) {
    out.push(
      `* A chat turn costs ${formatMs(s.overheadP50)} more than a PING round trip over the same link at the median ` +
        `(${times(s.turnOverPingRatio)} the PING). The offline provider alone needs ${formatMs(s.providerP50)} for the same reply, so most ` +
        `of the rest is the server's own work around the provider. The conversation file is rewritten whole on every turn: it reached ` +
        `${formatBytes(s.sessionFileBytes)} after ${formatCount(TURNS + WARMUP_TURNS)} turns, and the turn's p50 was ` +
        `${formatMs(s.doneEarlyP50)} over the first tenth of the turns and ${formatMs(s.doneLateP50)} over the last` +
        (s.doneLateP50 > 1.2 * s.doneEarlyP50 ? ': turns slow down as the conversation grows.' : '.'),
    );
  }
  if (r.context.length) {
    out.push(
      `* Loading a full context costs ${formatMs(s.loadP50)}, ${times(s.loadOverReadRatio)} a plain read of the files; the server pays ` +
        `that only when a file changed, and ${formatMs(s.cachedP50)} (stat calls) on every other turn.`,
    );
  }
  return out.join('\n');
}
