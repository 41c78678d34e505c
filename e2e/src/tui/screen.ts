/**
 * Reading a tmux screen for the TUI tests: wait for a condition on the whole screen, capture with the
 * terminal's own line wrapping undone, find the live area (the tab bar down to the status line).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { TmuxSession } from '../support/tmux';

const run = promisify(execFile);

/** The tab bar's labels as the TUI draws them, inactive or active (one space around each). */
export const TAB_BAR = /^ Chat {2}Files {2}Crontab /;

export function screenLines(screen: string): string[] {
  return screen.replace(/\n+$/, '').split('\n');
}

/** Width in terminal cells; the tests' text is ASCII plus a few one-cell symbols (●, ›, ·, ↓). */
export function cellWidth(line: string): number {
  return [...line].length;
}

/**
 * The screen with lines the terminal wrapped joined again (`capture-pane -J`), so a line drawn wider
 * than the terminal shows up as one over-long line instead of hiding in two.
 */
export async function captureJoined(tmux: TmuxSession): Promise<string> {
  const { stdout } = await run('tmux', ['-L', tmux.socket, 'capture-pane', '-p', '-J', '-t', tmux.name]);
  return stdout;
}

/** The live area: from the last tab bar on the screen to the end. */
export function liveArea(screen: string): string[] {
  const lines = screenLines(screen);
  let start = -1;
  lines.forEach((line, i) => {
    if (TAB_BAR.test(line)) start = i;
  });
  return start === -1 ? [] : lines.slice(start);
}

/** Polls the screen until `check` returns true; rejects with `what` and the last screen after `timeoutMs`. */
export async function waitForScreen(
  tmux: TmuxSession,
  what: string,
  check: (screen: string) => boolean,
  timeoutMs = 10_000,
  o: { history?: boolean } = {},
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = await tmux.capture(o);
    if (check(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; the screen was:\n${screen}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
