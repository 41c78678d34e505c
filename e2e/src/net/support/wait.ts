/** Polling helpers for conditions nothing emits an event for (a file growing, a counter changing). */
import { statSync } from 'node:fs';

/** Polls `pred`; on timeout throws naming `what`, plus `detail()` (state that explains the failure). */
export async function waitUntil(
  pred: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  o: { everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, o.everyMs ?? 25));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms${o.detail ? `\n${o.detail()}` : ''}`);
}

export function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Writes a note for the person reading the test output (timings), only when asked for. */
export function note(text: string): void {
  if (process.env.CLAWCHAT_NET_VERBOSE) process.stdout.write(`[net] ${text}\n`);
}
