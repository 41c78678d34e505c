/**
 * Reading a terminal program's raw output as it arrives (pure): Ink 6 wraps every frame it writes to
 * a TTY in "begin synchronized update" (ESC [ ? 2026 h) … (ESC [ ? 2026 l), so counting that sequence
 * counts frames; and plain text is found again by removing the escape sequences.
 */

/** Ink's begin-synchronized-update sequence (ink/build/write-synchronized.js). */
export const BEGIN_FRAME = '\x1b[?2026h';

// CSI (ESC [ … final byte), OSC (ESC ] … BEL or ST), and two-byte escapes (ESC followed by one char).
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Counts occurrences of a sequence in a stream of chunks, including ones split across two chunks. */
export class SequenceCounter {
  count = 0;
  private carry = '';

  constructor(private readonly sequence: string) {}

  push(chunk: string): number {
    const text = this.carry + chunk;
    let found = 0;
    for (let i = text.indexOf(this.sequence); i >= 0; i = text.indexOf(this.sequence, i + this.sequence.length)) found++;
    // Keep just enough of the end to complete a sequence the next chunk finishes, never a whole one.
    const keep = this.sequence.length - 1;
    const tail = text.slice(-keep);
    this.carry = tail.includes(this.sequence) ? '' : tail;
    this.count += found;
    return found;
  }
}

/**
 * Keystrokes that reached the application, judged from the text it finally received: `typed` was sent
 * one character per keystroke; a character missing from `received` was dropped. Returns the number
 * dropped, or undefined when `received` is not `typed` with characters left out (something else went
 * wrong: reordering, duplication, other text).
 */
export function droppedKeystrokes(typed: string, received: string): number | undefined {
  let j = 0;
  for (let i = 0; i < typed.length && j < received.length; i++) if (typed[i] === received[j]) j++;
  return j === received.length ? typed.length - received.length : undefined;
}

/**
 * `count` keystrokes of lower-case letters cycling a–z from letter `offset` (never forms the stream's
 * trigger words). Each phase uses its own offset, so its text differs from what an earlier phase left
 * in the scrollback.
 */
export function keystrokeText(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, i) => String.fromCharCode(97 + ((i + offset) % 26))).join('');
}
