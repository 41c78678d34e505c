/** Renders the client section of docs/benchmarks.md from one run's results. */
import { formatPercent } from '../shared/format';
import { formatMs } from '../relay/latency';
import { measuredLine } from '../relay/suite-cli';
import { COLS, KEYSTROKES, KEYSTROKE_INTERVAL_MS, ROWS, STREAM_BYTES_PER_SECOND, STREAM_CHUNK_MS, STREAM_PARAGRAPH_CHARS, STREAM_REPLY_CHARS, TYPE_AFTER_SEND_MS } from './constants';
import { cpuShare, fps, summarise, type ClientResults } from './results';

const list = (values: number[], f: (n: number) => string) => values.map(f).join(' / ');
const times = (ratio: number) => `${ratio.toFixed(1)}×`;
const ms0 = (n: number) => `${n.toFixed(0)} ms`;
const fpsText = (n: number) => `${n.toFixed(1)} fps`;
const dropText = (d: number | undefined, of: number) => (d === undefined ? 'input garbled' : `${d} of ${of}`);

export function renderClientSection(r: ClientResults): string {
  const s = summarise(r);
  const out: string[] = [];
  out.push('## Client');
  out.push('');
  out.push(
    `${measuredLine(r)} Start-up figures are the median of ${r.startups.length} runs, rendering figures the median of ` +
      `${r.rounds.length} rounds (each in a fresh client process); every baseline was measured in the same run.`,
  );
  out.push('');
  out.push('| Measurement | Result (median) | Baseline (same run) | Ratio | Runs |');
  out.push('|---|---:|---:|---:|---|');
  if (r.startups.length) {
    const st = r.startups;
    out.push(
      `| Start-up to the first rendered frame (stored credential) | ${ms0(s.firstFrameMs)} | \`node -e 0\` ${ms0(s.baselineMs)} | **${times(s.firstFrameRatio)}** | ` +
        `${list(st.map((x) => x.firstFrameMs), ms0)} vs ${list(st.map((x) => x.baselineMs), ms0)} |`,
    );
    out.push(
      `| … of which: to "Connecting to …" (bundle loaded, credential read) | ${ms0(s.connectingMs)} | \`node -e 0\` ${ms0(s.baselineMs)} | ${times(s.connectingMs / s.baselineMs)} | ${list(st.map((x) => x.connectingMs), ms0)} |`,
    );
    out.push(
      `| \`clawchat --version\` (node + loading the bundle) | ${ms0(s.versionMs)} | \`node -e 0\` ${ms0(s.baselineMs)} | ${times(s.versionMs / s.baselineMs)} | ${list(st.map((x) => x.versionMs), ms0)} |`,
    );
    out.push(
      `| Start-up to the status line saying connected | ${ms0(s.connectedMs)} | \`node -e 0\` ${ms0(s.baselineMs)} | ${times(s.connectedMs / s.baselineMs)} | ${list(st.map((x) => x.connectedMs), ms0)} |`,
    );
    out.push(
      `| First start ever, with the .sec (decrypt, ticket handshake), first frame | ${ms0(r.firstStart.firstFrameMs)} | \`node -e 0\` ${ms0(s.baselineMs)} | ${times(r.firstStart.firstFrameMs / s.baselineMs)} | one run |`,
    );
  }
  const t = s.typing;
  const st = s.streaming;
  if (t && st) {
    const rounds = r.rounds;
    out.push(
      `| Frames per second while a 1 MB/s reply streams (and keys are typed) | ${fpsText(st.framesPerSecond)} | typing only ${fpsText(t.framesPerSecond)} | ` +
        `${formatPercent(st.framesPerSecond / t.framesPerSecond)} | ${list(rounds.map((x) => fps(x.streaming)), fpsText)} vs ${list(rounds.map((x) => fps(x.typing)), fpsText)} |`,
    );
    out.push(
      `| Client CPU while it streams (share of one core) | ${formatPercent(st.cpuShare)} | typing only ${formatPercent(t.cpuShare)} | ${times(st.cpuShare / t.cpuShare)} | ` +
        `${list(rounds.map((x) => cpuShare(x.streaming)), formatPercent)} vs ${list(rounds.map((x) => cpuShare(x.typing)), formatPercent)} |`,
    );
    out.push(
      `| Dropped keystrokes while it streams (goal: none) | ${dropText(st.dropped, st.keystrokes)} | typing only ${dropText(t.dropped, t.keystrokes)} | ` +
        `${st.dropped === 0 ? 'goal met' : 'goal not met'} | all rounds together |`,
    );
    out.push(
      `| Reply on screen: Enter → last piece shown | ${ms0(st.endShownMs)} | the provider streamed it in ${ms0(st.providerStreamMs)} | ${times(st.endShownMs / st.providerStreamMs)} | ` +
        `${list(rounds.map((x) => x.streaming.endShownMs ?? NaN), ms0)}; first piece shown after ${ms0(st.firstShownMs)} |`,
    );
    out.push(
      `| Typed text fully on screen after the last key | ${formatMs(st.typedShownAfterLastKeyMs)} | typing only ${formatMs(t.typedShownAfterLastKeyMs)} | ` +
        `${times(st.typedShownAfterLastKeyMs / t.typedShownAfterLastKeyMs)} | ${list(rounds.map((x) => x.streaming.typedShownAfterLastKeyMs), ms0)} |`,
    );
  }
  out.push('');
  out.push('### How it was measured');
  out.push('');
  out.push(
    `* The real client bundle (\`dist/apps/client/main.mjs\`, built at the start of the run, like the relay and LLM server it talks to) ` +
      `runs in a pseudo-terminal of ${COLS}×${ROWS} made by util-linux \`script\` (CI unset, TERM=xterm-256color, a scratch HOME). Its ` +
      `output reaches the benchmark through a pipe as it is written, so every chunk is timed exactly, without polling a screen. Ink 6 ` +
      `wraps each frame it writes to a terminal in a synchronized-update sequence (ESC [?2026h); counting those counts frames.`,
  );
  out.push(
    `* **Start-up**: spawn of the pseudo-terminal → the first frame's bytes. The client renders its first frame once the session is up ` +
      `(it dials, then draws), so that frame already carries the connected status line. The baseline \`node -e 0\` (spawn → exit) runs ` +
      `in the same kind of terminal, alternating with the client. The first start uses the relay's .sec; every later one the stored ` +
      `resumption credential, as a person's daily start does.`,
  );
  out.push(
    `* **Rendering**: the LLM server's provider is an OpenAI-compatible fake in a bench process that streams a reply of ` +
      `${(STREAM_REPLY_CHARS / 1e6).toFixed(2)} M characters at ${(STREAM_BYTES_PER_SECOND / 1e6).toFixed(0)} MB/s in ${STREAM_CHUNK_MS} ms ` +
      `pieces (plain-word paragraphs of ~${STREAM_PARAGRAPH_CHARS} characters). The length is just under the protocol's 1,000,000-character ` +
      `cap on one reply, so the stream itself lasts about a second. ${TYPE_AFTER_SEND_MS} ms after Enter, ${KEYSTROKES} letters are typed, ` +
      `one write each, ${KEYSTROKE_INTERVAL_MS} ms apart. The phase ends when both the reply's last word and the whole typed text are on ` +
      `the screen; Enter then sends the typed text, and the question the provider receives tells which keystrokes reached the input ` +
      `line. Baseline: the same typing in the same client process with no reply streaming. CPU is the client's utime + stime ` +
      `(/proc/<pid>/stat) over the phase.`,
  );
  out.push('');
  out.push('### Interpretation');
  out.push('');
  if (r.startups.length) {
    out.push(
      `* Start-up: ${ms0(s.firstFrameMs)} to a connected first frame, ${times(s.firstFrameRatio)} a bare \`node -e 0\`. Loading the ` +
        `bundle alone (\`--version\`) takes ${ms0(s.versionMs)}; the client is ready to dial after ${ms0(s.connectingMs)}, and the ` +
        `handshake, HELLO and first render take the remaining ${ms0(s.firstFrameMs - s.connectingMs)}.`,
    );
  }
  if (t && st) {
    const lost =
      st.dropped === 0
        ? `none of ${st.keystrokes} was dropped: they appear late (the whole typed text was on screen ${ms0(st.typedShownAfterLastKeyMs)} ` +
          `after the last key, ${formatMs(t.typedShownAfterLastKeyMs)} without a stream), but the terminal holds them until the busy ` +
          `event loop reads them.`
        : `${dropText(st.dropped, st.keystrokes)} did not reach the input line (goal: none).`;
    out.push(
      `* A 1 MB/s reply keeps the client at ${formatPercent(st.cpuShare)} of a core and ${fpsText(st.framesPerSecond)} ` +
        `(${formatPercent(st.framesPerSecond / t.framesPerSecond)} of the frame rate of typing alone). The screen shows the reply's last ` +
        `word ${ms0(st.endShownAfterProviderMs)} after the provider sent it` +
        (st.endShownMs > 1.2 * st.providerStreamMs ? ': the display cannot keep up with a stream this fast and catches up afterwards.' : '.') +
        ` Keystrokes typed meanwhile: ${lost}`,
    );
  }
  return out.join('\n');
}
