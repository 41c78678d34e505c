/**
 * The client measurements: the real client bundle in a pseudo-terminal against a real relay and LLM
 * server whose provider is the bench's fake one (a worker process).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerProcess } from '../shared/worker-process';
import { cpuMs } from '../relay/proc-stat';
import { BUNDLES, BenchSystem, appProfileArgs } from '../relay/system';
import {
  COLS,
  KEYSTROKES,
  KEYSTROKE_INTERVAL_MS,
  QUICK_REPLY,
  ROWS,
  SCREEN_TIMEOUT_MS,
  STARTUP_TIMEOUT_MS,
  STREAM_END_MARKER,
  STREAM_QUESTION,
  STREAM_START_MARKER,
  TYPE_AFTER_SEND_MS,
} from './constants';
import type { ClientWorkerMessage } from './messages';
import { PtySession } from './pty';
import { droppedKeystrokes, keystrokeText } from './terminal-output';

/** The status line's text once the session is up (apps/client/src/ui/components/StatusLine.tsx). */
export const CONNECTED_TEXT = '● connected';

export interface StartupRun {
  /** `node -e 0` in the same kind of terminal: spawn → exit. */
  baselineMs: number;
  /** `clawchat --version`: spawn → exit (node plus loading the bundle, no terminal UI, no network). */
  versionMs: number;
  /** The client: spawn → "Connecting to …" (bundle loaded, credential read; the handshake starts). */
  connectingMs: number;
  /** The client: spawn → first frame written (Ink's first synchronized update). */
  firstFrameMs: number;
  /** The client: spawn → the status line says connected. */
  connectedMs: number;
}

export interface PhaseResult {
  stream: boolean;
  /** From the first keystroke (typing only) or the streaming question's Enter, to the screen showing it all. */
  durationMs: number;
  frames: number;
  bytesToTerminal: number;
  /** Client CPU (utime + stime) over the phase. */
  cpuMs: number;
  keystrokes: number;
  /** Keystrokes that did not reach the input line (judged from the question the provider received). */
  dropped: number | undefined;
  received: string;
  /** Last keystroke written → the whole typed text on the screen. */
  typedShownAfterLastKeyMs: number;
  /** Streaming only: Enter → first piece on screen, → last piece on screen; and the provider's timing. */
  firstShownMs?: number;
  endShownMs?: number;
  providerStreamMs?: number;
  providerChars?: number;
  /** The provider's last piece written → that piece on the screen (epoch clocks of two processes). */
  endShownAfterProviderMs?: number;
}

export interface ClientStart {
  connectingMs: number;
  firstFrameMs: number;
  connectedMs: number;
}

/** One client process: a typing-only phase (the baseline) and a typing-while-streaming phase. */
export interface StreamRound {
  typing: PhaseResult;
  streaming: PhaseResult;
}

export interface ClientRun {
  /** The first start with the .sec (decrypt, ticket handshake), once. */
  firstStart: ClientStart;
  startups: StartupRun[];
  rounds: StreamRound[];
}

class ClientHarness {
  readonly scratch = mkdtempSync(path.join(os.tmpdir(), 'clawchat-bench-client-'));

  constructor(private readonly system: BenchSystem) {
    for (const d of ['home', 'state', 'cwd']) mkdirSync(path.join(this.scratch, d));
  }

  /** A clean terminal environment: no CI (Ink renders nothing live under CI), no stray CLAWCHAT_*. */
  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: path.join(this.scratch, 'home'),
      LANG: 'C.UTF-8',
      TERM: 'xterm-256color',
      XDG_STATE_HOME: path.join(this.scratch, 'state'),
      CLAWCHAT_BOOTSTRAP_KEY: this.system.bootstrapKey,
    };
  }

  start(command: string[]): PtySession {
    return new PtySession(command, { cols: COLS, rows: ROWS, env: this.env, cwd: path.join(this.scratch, 'cwd') });
  }

  client(args: string[] = []): PtySession {
    return this.start([process.execPath, ...appProfileArgs('client'), BUNDLES.client, ...args]);
  }

  async quit(pty: PtySession): Promise<void> {
    pty.write('/quit');
    await sleep(50);
    pty.write('\r');
    const timeout = sleep(5_000).then(() => 'timeout');
    if ((await Promise.race([pty.exited, timeout])) === 'timeout') await pty.kill();
  }

  cleanup(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

async function clientStartup(h: ClientHarness, args: string[]): Promise<ClientStart> {
  const pty = h.client(args);
  try {
    const connecting = pty.waitForText('Connecting to', STARTUP_TIMEOUT_MS);
    const connectedAt = await pty.waitForText(CONNECTED_TEXT, STARTUP_TIMEOUT_MS);
    if (pty.firstFrameAt === undefined) throw new Error('the client showed its status line without a synchronized frame');
    return { connectingMs: (await connecting) - pty.spawnedAt, firstFrameMs: pty.firstFrameAt - pty.spawnedAt, connectedMs: connectedAt - pty.spawnedAt };
  } finally {
    await h.quit(pty);
  }
}

/** Spawn → exit of a command in the same kind of terminal. */
async function timeToExit(h: ClientHarness, command: string[]): Promise<number> {
  const pty = h.start(command);
  const code = await pty.exited;
  if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}: ${pty.output.slice(-300)}`);
  return (pty.exitedAt as number) - pty.spawnedAt;
}

async function typeKeys(pty: PtySession, typed: string, beforeLast: () => void): Promise<{ firstAt: number; lastAt: number }> {
  let firstAt = 0;
  for (let i = 0; i < typed.length; i++) {
    if (i === typed.length - 1) beforeLast();
    pty.write(typed[i]);
    if (i === 0) firstAt = performance.now();
    if (i < typed.length - 1) await sleep(KEYSTROKE_INTERVAL_MS);
  }
  return { firstAt, lastAt: performance.now() };
}

async function askedQuestions(fake: WorkerProcess<ClientWorkerMessage>): Promise<string[]> {
  fake.send({ type: 'questions' });
  return (await fake.next('questions')).questions;
}

/** Types KEYSTROKES keys (while a 1 MB/s reply streams, or not), then sends them as a question to see which arrived. */
async function typingPhase(pty: PtySession, fake: WorkerProcess<ClientWorkerMessage>, stream: boolean): Promise<PhaseResult> {
  const pid = pty.programPid();
  if (!pid) throw new Error('the client process is gone');
  const typed = keystrokeText(KEYSTROKES, stream ? 13 : 0);
  let typedShown: Promise<number> | undefined;
  const watchTyped = () => (typedShown = pty.waitForText(typed, SCREEN_TIMEOUT_MS));
  let firstShown: Promise<number> | undefined;
  let endShown: Promise<number> | undefined;
  let streamed: Promise<Extract<ClientWorkerMessage, { type: 'stream' }>> | undefined;
  if (stream) {
    pty.write(STREAM_QUESTION);
    await pty.waitForText(STREAM_QUESTION, SCREEN_TIMEOUT_MS);
  }
  const frames0 = pty.frames.count;
  const bytes0 = pty.bytes;
  const cpu0 = cpuMs(pid);
  let start = performance.now();
  if (stream) {
    firstShown = pty.waitForText(STREAM_START_MARKER, SCREEN_TIMEOUT_MS);
    endShown = pty.waitForText(STREAM_END_MARKER, SCREEN_TIMEOUT_MS);
    streamed = fake.next('stream');
    start = performance.now();
    pty.write('\r');
    await sleep(TYPE_AFTER_SEND_MS);
  }
  const keys = await typeKeys(pty, typed, watchTyped);
  if (!stream) start = keys.firstAt;
  const shownAt = await (typedShown as Promise<number>);
  const endAt = endShown ? await endShown : shownAt;
  const end = Math.max(shownAt, endAt);
  const frames = pty.frames.count - frames0;
  const bytesToTerminal = pty.bytes - bytes0;
  const cpu = cpuMs(pid) - cpu0;
  const provider = streamed ? await streamed : undefined;
  // Send what was typed: the question the provider receives is what the input line really held.
  if (stream) await sleep(500); // CHAT_DONE has ended the turn, so Enter sends instead of warning
  const before = await askedQuestions(fake);
  const answered = pty.waitForText(QUICK_REPLY, SCREEN_TIMEOUT_MS);
  pty.write('\r');
  await answered;
  const asked = (await askedQuestions(fake)).slice(before.length).filter((q) => /^[a-z]*$/.test(q));
  const received = asked.sort((a, b) => b.length - a.length)[0] ?? '';
  return {
    stream,
    durationMs: end - start,
    frames,
    bytesToTerminal,
    cpuMs: cpu,
    keystrokes: typed.length,
    dropped: droppedKeystrokes(typed, received),
    received,
    typedShownAfterLastKeyMs: shownAt - keys.lastAt,
    firstShownMs: firstShown ? (await firstShown) - start : undefined,
    endShownMs: endShown ? endAt - start : undefined,
    providerStreamMs: provider?.elapsedMs,
    providerChars: provider?.chars,
    endShownAfterProviderMs: provider ? performance.timeOrigin + endAt - provider.lastAt : undefined,
  };
}

function describePhase(p: PhaseResult): string {
  return (
    `${p.stream ? 'typing while a 1 MB/s reply streams' : 'typing only'}: ${p.frames} frames in ${p.durationMs.toFixed(0)} ms, ` +
    `client CPU ${p.cpuMs.toFixed(0)} ms, ${p.dropped ?? '?'} of ${p.keystrokes} keystrokes dropped` +
    (p.stream ? `, reply on screen ${p.firstShownMs?.toFixed(0)} → ${p.endShownMs?.toFixed(0)} ms after Enter (provider took ${p.providerStreamMs?.toFixed(0)} ms)` : '')
  );
}

export async function measureClient(workerScript: string, o: { startupRuns: number; streamRounds: number }, log: (line: string) => void): Promise<ClientRun> {
  const fake = WorkerProcess.start<ClientWorkerMessage>(workerScript, 'fake-provider', {}, { timeoutMs: SCREEN_TIMEOUT_MS });
  let system: BenchSystem | undefined;
  let h: ClientHarness | undefined;
  try {
    const { port } = await fake.next('ready');
    system = await new BenchSystem({
      llmEnv: { CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, CLAWCHAT_LLM_MODEL: 'bench' },
    }).start();
    h = new ClientHarness(system);
    // The first start uses the .sec (and stores the resumption credential every later start uses).
    const firstStart = await clientStartup(h, [system.secFile]);
    log(`first start with the .sec: first frame ${firstStart.firstFrameMs.toFixed(0)} ms, connected ${firstStart.connectedMs.toFixed(0)} ms`);
    const startups: StartupRun[] = [];
    for (let i = 1; i <= o.startupRuns; i++) {
      const baselineMs = await timeToExit(h, [process.execPath, '-e', '0']);
      const versionMs = await timeToExit(h, [process.execPath, BUNDLES.client, '--version']);
      const c = await clientStartup(h, []);
      startups.push({ baselineMs, versionMs, ...c });
      log(
        `start-up ${i}/${o.startupRuns}: node -e 0 ${baselineMs.toFixed(0)} ms, --version ${versionMs.toFixed(0)} ms; client "Connecting" ` +
          `${c.connectingMs.toFixed(0)} ms, first frame ${c.firstFrameMs.toFixed(0)} ms, connected ${c.connectedMs.toFixed(0)} ms`,
      );
    }
    const rounds: StreamRound[] = [];
    // A fresh client process per round, so one round's scrollback does not weigh on the next.
    for (let i = 1; i <= o.streamRounds; i++) {
      const pty = h.client();
      pty.keepOutput = false;
      try {
        await pty.waitForText(CONNECTED_TEXT, STARTUP_TIMEOUT_MS);
        await sleep(1_000);
        const typing = await typingPhase(pty, fake, false);
        log(`round ${i}/${o.streamRounds}: ${describePhase(typing)}`);
        const streaming = await typingPhase(pty, fake, true);
        log(`round ${i}/${o.streamRounds}: ${describePhase(streaming)}`);
        rounds.push({ typing, streaming });
      } finally {
        await h.quit(pty);
      }
    }
    return { firstStart, startups, rounds };
  } finally {
    h?.cleanup();
    await system?.stop();
    await fake.stop();
  }
}
