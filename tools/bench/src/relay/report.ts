/** Renders the relay section of docs/benchmarks.md from one run's results. */
import { formatBytes, formatCount, formatPercent } from '../shared/format';
import { IDLE_SESSIONS, IDLE_WINDOW_MS, KEEPALIVE_INTERVAL_MS, PLAIN_REPLY_BYTES, PLAIN_REQUEST_BYTES, ROUND_TRIP_GOAL_RATIO, TURNS, WARMUP_TURNS } from './constants';
import { formatMs } from './latency';
import { summarise, type RelayResults, type RelaySummary } from './results';
import { measuredLine } from './suite-cli';

/** More CPU than this per session per keepalive round is not the keepalive itself (a seal, a send, an ACK). */
const KEEPALIVE_WORK_MS = 0.5;

const list = (values: number[], f: (n: number) => string) => values.map(f).join(' / ');
const times = (ratio: number) => `${ratio.toFixed(1)}×`;

const sumOfHops = (stages: NonNullable<RelayResults['stages']>): number => stages.stagesP50Ms.reduce((sum, x) => sum + x.p50Ms, 0);

/** Names the largest hops of the traced chain and how much of it is time inside the processes. */
function stagesSentence(stages: NonNullable<RelayResults['stages']>): string {
  const sorted = [...stages.stagesP50Ms].sort((a, b) => b.p50Ms - a.p50Ms);
  const inside = stages.stagesP50Ms.filter((x) => !x.stage.includes('(network)')).reduce((sum, x) => sum + x.p50Ms, 0);
  return (
    `In the traced run the largest hops were ${sorted[0].stage} (${formatMs(sorted[0].p50Ms)}) and ${sorted[1].stage} ` +
    `(${formatMs(sorted[1].p50Ms)}); time inside the relay and the LLM server was ${formatPercent(inside / sumOfHops(stages))} of the ` +
    `hops' summed medians, the rest is the four loopback hops with their process wake-ups.`
  );
}

/**
 * How the first delta's time splits into encryption, the rest of the transport and the chat turn's
 * own work, against what the goal allows: the question the goal really asks.
 */
function budgetSentence(s: RelaySummary): string {
  const budget = ROUND_TRIP_GOAL_RATIO * s.plainP50;
  const crypto = s.sealedP50 - s.plainP50;
  const transport = s.helloP50 - s.sealedP50;
  const turn = s.firstP50 - s.helloP50;
  return (
    `Where the goal's budget goes: ${ROUND_TRIP_GOAL_RATIO}× the plain chain is ${formatMs(budget)}. Encrypting every hop alone takes ` +
    `the chain to ${formatMs(s.sealedP50)} (${times(s.sealedP50 / s.plainP50)}, +${formatMs(crypto)}); HELLO → WELCOME, the same ` +
    `four hops through the real session layer, relay and LLM server with next to no work at the ends, takes ${formatMs(s.helloP50)} ` +
    `(${times(s.helloP50 / s.plainP50)}: the reliable session, message codec and forwarding add ${formatMs(transport)} to the ` +
    `encryption); the chat turn adds ${formatMs(turn)} more: its own start (decode, queue, context check, prompt, the ` +
    `provider's first piece; the hop table below has the LLM server's part) and, turns being sent back to back, processes ` +
    `waking from the idle wait on the previous turn's disk write, which the HELLOs never have. ` +
    (s.helloP50 > budget
      ? `So even a request with no work at either end is ${times(s.helloP50 / s.plainP50)} the plain chain: within this ` +
        `transport (per-packet node:crypto AES-GCM, node:dgram, one reliable session per hop) the ${ROUND_TRIP_GOAL_RATIO}× goal ` +
        `cannot be met by making the chat turn cheaper.`
      : `A chat turn has ${formatMs(budget - s.helloP50)} of the budget left after the hops.`)
  );
}

export function renderRelaySection(r: RelayResults): string {
  const s = summarise(r, KEEPALIVE_INTERVAL_MS);
  const runs = s.runs;
  const out: string[] = [];
  out.push('## Relay');
  out.push('');
  out.push(
    `${measuredLine(r)} Round-trip figures are the median over ${runs.length} runs of ${formatCount(TURNS)} turns each ` +
      `(each run with a fresh relay, LLM server and conversation); every baseline was measured in the same run.`,
  );
  out.push('');
  if (runs.length > 0) {
    const goalMet = s.ratioP50 <= ROUND_TRIP_GOAL_RATIO;
    out.push('| Measurement | Result (median) | Baseline (same run) | Ratio | Runs |');
    out.push('|---|---:|---:|---:|---|');
    out.push(
      `| Chat round trip, CHAT sent → first CHAT_DELTA, p50 | ${formatMs(s.firstP50)} | plain UDP chain ${formatMs(s.plainP50)} | ` +
        `**${times(s.ratioP50)}** (goal ≤ ${ROUND_TRIP_GOAL_RATIO}×: ${goalMet ? 'met' : 'not met'}) | ${list(runs.map((x) => x.first.p50), formatMs)} vs ${list(runs.map((x) => x.plain.p50), formatMs)} |`,
    );
    out.push(
      `| Chat round trip, CHAT sent → first CHAT_DELTA, p99 | ${formatMs(s.firstP99)} | plain UDP chain ${formatMs(s.plainP99)} | ${times(s.ratioP99)} | ` +
        `${list(runs.map((x) => x.first.p99), formatMs)} vs ${list(runs.map((x) => x.plain.p99), formatMs)} |`,
    );
    out.push(
      `| Full turn, CHAT sent → CHAT_DONE (turn written to disk), p50 / p99 | ${formatMs(s.doneP50)} / ${formatMs(s.doneP99)} | plain UDP chain p50 ${formatMs(s.plainP50)} | ` +
        `${times(s.doneP50 / s.plainP50)} | p50 ${list(runs.map((x) => x.done.p50), formatMs)}; max ${list(runs.map((x) => x.done.max), formatMs)} |`,
    );
    out.push(
      `| PING → PONG through the relay (answered by the relay itself), p50 / p99 | ${formatMs(s.pingP50)} / ${formatMs(s.pingP99)} | plain UDP chain p50 ${formatMs(s.plainP50)} | ` +
        `${times(s.pingP50 / s.plainP50)} | p50 ${list(runs.map((x) => x.ping.p50), formatMs)} |`,
    );
    out.push(
      `| HELLO → WELCOME through relay and LLM server (a chat's four encrypted hops, next to no work at either end), p50 | ${formatMs(s.helloP50)} | plain UDP chain p50 ${formatMs(s.plainP50)} | ` +
        `${times(s.helloP50 / s.plainP50)} | p50 ${list(runs.map((x) => x.hello.p50), formatMs)} |`,
    );
    out.push(
      `| Plain chain with an AES-256-GCM seal and open on every hop (no reliability, no parsing), p50 | ${formatMs(s.sealedP50)} | plain UDP chain p50 ${formatMs(s.plainP50)} | ` +
        `${times(s.sealedP50 / s.plainP50)} | p50 ${list(runs.map((x) => x.sealed.p50), formatMs)} |`,
    );
    out.push(
      `| CPU per chat turn, relay / LLM server | ${formatMs(s.relayCpuMsPerTurn)} / ${formatMs(s.llmCpuMsPerTurn)} | full turn p50 ${formatMs(s.doneP50)} | ` +
        `${formatPercent((s.relayCpuMsPerTurn + s.llmCpuMsPerTurn) / s.doneP50)} of the turn's wall time | ` +
        `relay ${list(r.roundTrips.map((x) => x.session.relayCpuMsPerTurn), formatMs)}; LLM ${list(r.roundTrips.map((x) => x.session.llmCpuMsPerTurn), formatMs)} |`,
    );
  }
  const idle = r.idle;
  if (idle && s.idle) {
    if (runs.length === 0) {
      out.push('| Measurement | Result | Baseline (same run) | Ratio | Notes |');
      out.push('|---|---:|---:|---:|---|');
    }
    const windowS = (idle.windowMs / 1000).toFixed(0);
    out.push(
      `| Relay RSS per idle session (${formatCount(idle.sessions)} sessions) | ${formatBytes(s.idle.rssPerSession)} | relay with no session ${formatBytes(idle.rssBefore)} | ` +
        `${formatCount(idle.sessions)} sessions = +${formatPercent((idle.rssAfter - idle.rssBefore) / idle.rssBefore)} | ${formatBytes(idle.rssBefore)} → ${formatBytes(idle.rssAfter)} (one run) |`,
    );
    out.push(
      `| Relay CPU over ${windowS} s with ${formatCount(idle.sessions)} idle sessions (keepalives) | ${formatCount(idle.cpuIdleSessionsMs)} ms (${formatPercent(s.idle.cpuShareSessions)} of a core) | ` +
        `no session ${formatCount(idle.cpuIdleEmptyMs)} ms (${formatPercent(s.idle.cpuShareEmpty)}) | ` +
        `${idle.cpuIdleEmptyMs > 0 ? times(idle.cpuIdleSessionsMs / idle.cpuIdleEmptyMs) : 'n/a'} | ` +
        `${formatMs(s.idle.cpuMsPerSessionPerKeepalive)} per session per ${KEEPALIVE_INTERVAL_MS / 1000} s keepalive interval (one run) |`,
    );
    out.push(
      `| Opening the sessions one after another (handshake + PING each) | ${(idle.openMs / 1000).toFixed(1)} s, ${s.idle.handshakesPerSecond.toFixed(0)}/s | — | — | ` +
        `relay CPU ${formatCount(idle.cpuOpenMs)} ms = ${formatMs(idle.cpuOpenMs / Math.max(1, idle.sessions))} per session${idle.failed ? `; ${idle.failed} failed (${idle.firstError ?? ''})` : ''} |`,
    );
  }
  const stages = r.stages;
  if (stages && stages.samples > 0) {
    out.push('');
    out.push(`**Where the first delta's time goes** (one extra run with every datagram timestamped, ${formatCount(stages.samples)} turns; p50 of each hop):`);
    out.push('');
    out.push('| Hop | p50 | Share of the summed medians |');
    out.push('|---|---:|---:|');
    const sum = sumOfHops(stages);
    for (const x of stages.stagesP50Ms) out.push(`| ${x.stage} | ${formatMs(x.p50Ms)} | ${formatPercent(x.p50Ms / sum)} |`);
    out.push(`| sum of the hops' medians | ${formatMs(sum)} | 100.0 % |`);
    out.push(`| whole chain (its own median), CHAT handed to the client's session → first CHAT_DELTA delivered | ${formatMs(stages.totalP50Ms)} | |`);
  }
  out.push('');
  out.push(
    'Handshakes per second against the relay with and without the cookie defence are in the Transport section ' +
      '(`npm run bench -- transport`): the relay runs that same ResponderEndpoint, so they are not measured again here.',
  );
  out.push('');
  out.push('### How it was measured');
  out.push('');
  out.push(
    `* **Chat round trip**: the real relay and LLM server bundles (\`dist/apps/\`, built at the start of the run) in a temporary folder with ` +
      `the offline provider; a client process built from the protocol libraries connects with the relay's .sec and sends CHAT turns one at a ` +
      `time (${WARMUP_TURNS} warm-up turns first). Each turn's clock starts when the CHAT is handed to the session and stops at the first ` +
      `CHAT_DELTA and at CHAT_DONE, which the LLM server sends only after the turn is in llm_session.json. Then ${formatCount(TURNS)} PINGs, ` +
      `which the relay answers itself. CPU per turn is the relay's and the LLM server's utime + stime (/proc/<pid>/stat) over the measured ` +
      `turns ÷ ${formatCount(TURNS)}.`,
  );
  out.push(
    `* **Baseline (plain UDP chain)**: three processes, like client, relay and LLM server: a client sends a ${PLAIN_REQUEST_BYTES}-byte ` +
      `datagram to a forwarder, which passes it to an echo process that answers with ${PLAIN_REPLY_BYTES} bytes back through the forwarder. ` +
      `No crypto, no reliability, no parsing: the cost of two loopback hops each way and four process wake-ups. Same number of turns, ` +
      `measured right after each session run; the ratio is each run's own pair, and the median of those.`,
  );
  out.push(
    `* **What the hops cost without the chat**: after the PINGs, ${formatCount(TURNS)} HELLOs over the same session; the LLM server ` +
      `answers each at once with a WELCOME, so they cross the same four encrypted hops and five process steps as a chat turn's first ` +
      `delta with next to no application work. And, right after each plain chain, the same chain again with every datagram ` +
      `AES-256-GCM sealed by its sender and opened by its receiver (libs/crypto's packet functions, a 16-byte header as associated ` +
      `data, the same sizes on the wire): the cost of the encryption alone, with no reliability, framing or parsing.`,
  );
  out.push(
    `* **Idle sessions**: one client process connects with the .sec once, then opens ${formatCount(IDLE_SESSIONS)} sessions with the ` +
      `resumption credential of that one device key (one peer may hold several sessions), one after another, each on its own socket and ` +
      `confirmed by a PING before the next initiation. RSS is the relay's VmRSS (/proc/<pid>/status) with no session and with all of them ` +
      `open, 3 s after the last change. CPU (utime + stime) is counted over ${IDLE_WINDOW_MS / 1000} s with no session and again with all ` +
      `sessions idle. A session sends a keepalive after ${KEEPALIVE_INTERVAL_MS / 1000} s without sending, and every session was open before ` +
      `the window began, so a window of one keepalive interval holds exactly one keepalive round per session.`,
  );
  out.push(
    `* **Hop breakdown**: one more chat run (not counted above) with tools/bench/datagram-trace.cjs preloaded into the client, relay ` +
      `and LLM server, which stamps every datagram sent and received with the machine's clock. For each CHAT the chain of data ` +
      `datagrams (ACK-only ones, ~40 bytes, left out) is followed from the client to the LLM server and the first CHAT_DELTA back. ` +
      `"Network" hops are one process's send to the next one's receive event (kernel, wake-up, scheduling); the others are time inside ` +
      `a process from receiving a datagram to sending the next one (decrypt, parse, work, encrypt). The chat client also stamps the ` +
      `moment it hands the CHAT to its session and the moment the first CHAT_DELTA comes out of it, so the chain covers the same span ` +
      `as the round-trip figure (its own median differs a little: the traced run pays for the stamps).`,
  );
  out.push('');
  out.push('### Interpretation');
  out.push('');
  if (runs.length > 0) {
    const ledger = s.pingP50 / s.plainP50;
    out.push(
      `* A chat round trip's first delta takes ${formatMs(s.firstP50)} at the median, ${times(s.ratioP50)} the plain chain ` +
        `(${s.ratioP50 <= ROUND_TRIP_GOAL_RATIO ? 'within' : 'outside'} the ${ROUND_TRIP_GOAL_RATIO}× goal). The PING, which crosses only ` +
        `client ↔ relay, already costs ${times(ledger)} the whole plain chain: each encrypted hop pays AES-GCM, the reliability layer's ` +
        `bookkeeping and an ACK. The rest of the first-delta time is the relay → LLM server hop and the LLM server's turn start ` +
        `(context check, prompt, the provider's first piece).` +
        (stages && stages.samples > 0 ? ` ${stagesSentence(stages)}` : ''),
    );
    out.push(`* ${budgetSentence(s)}`);
    out.push(
      `* A full turn (to CHAT_DONE) takes ${formatMs(s.doneP50)} at the median and ${formatMs(s.doneP99)} at p99; the difference to the first ` +
        `delta is the rest of the offline reply's pieces and the write of the conversation file, which holds the whole conversation. ` +
        `The full turn's p50 was ${formatMs(s.doneEarlyP50)} over the first tenth of the turns and ${formatMs(s.doneLateP50)} over the ` +
        `last tenth (${formatCount(WARMUP_TURNS + TURNS)} turns in the conversation by then)` +
        (s.doneLateP50 > 1.2 * s.doneEarlyP50 ? ': turns slow down as the conversation grows.' : ', so at this size the growing file does not yet show.') +
        ` Per turn the LLM server spends ${formatMs(s.llmCpuMsPerTurn)} of CPU and the relay ${formatMs(s.relayCpuMsPerTurn)}.`,
    );
  }
  if (idle && s.idle) {
    out.push(
      `* ${formatCount(idle.sessions)} idle clients cost the relay ${formatBytes(idle.rssAfter - idle.rssBefore)} of RSS ` +
        `(${formatBytes(s.idle.rssPerSession)} each) and ${formatPercent(s.idle.cpuShareSessions - s.idle.cpuShareEmpty)} of a core ` +
        `for keepalives and timers` +
        (s.idle.cpuMsPerSessionPerKeepalive > KEEPALIVE_WORK_MS
          ? `: ${formatMs(s.idle.cpuMsPerSessionPerKeepalive)} per session per keepalive round, where one round's own work (seal, ` +
            `send, open an ACK) is tens of µs. The relay's work per datagram or timer grows with the number of sessions it holds, so ` +
            `the total grows faster than the number of sessions. Run the suite with CLAWCHAT_BENCH_APP_PROFILE=<dir> for the apps' ` +
            `CPU profiles.`
          : '.'),
    );
  }
  return out.join('\n');
}
