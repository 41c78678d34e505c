/**
 * Clearing the live area after the terminal got narrower (pure).
 *
 * Ink erases its last frame by moving up as many lines as it wrote. Most terminals (VTE, iTerm2,
 * Terminal.app, kitty, Windows Terminal, tmux...) re-wrap ("reflow") their content when they get
 * narrower, so a frame line wider than the new width now takes two or more rows, Ink's erase stops
 * short, and fragments of the old frame stay on screen above the new one. Knowing the last frame
 * (FrameTracker watches what Ink writes), `reflowEraseSequence` clears all its rows first and leaves
 * the cursor where Ink's own erase then ends exactly at the top of the cleared area.
 *
 * Terminals that do not reflow (xterm, urxvt) merely cut the lines; there the sequence clears a few
 * rows of scrollback text above the live area from the screen, which is the lesser evil than stale
 * frames in every reflowing terminal.
 */
import { stripVTControlCharacters } from 'node:util';

/** What ansi-escapes' eraseLines(n) ends with (erase the line, cursor to column 1): Ink's frame erase. */
const ERASE_END = '\x1b[2K\x1b[G';

/** Code points that take two cells: East Asian wide and fullwidth forms, most emoji. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Combining marks, zero-width spaces and joiners, variation selectors: no cell of their own. */
function isZeroWidth(cp: number): boolean {
  return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp < 0x20;
}

/** Terminal cells `text` takes, escape sequences ignored. */
export function cellWidth(text: string): number {
  let width = 0;
  for (const ch of stripVTControlCharacters(text)) {
    const cp = ch.codePointAt(0) ?? 0;
    width += isZeroWidth(cp) ? 0 : isWide(cp) ? 2 : 1;
  }
  return width;
}

/** The frame's lines as written, and whether the cursor was left on a line of its own below them. */
function frameLines(frame: string): { lines: string[]; cursorLineBelow: boolean } {
  const lines = frame.split('\n');
  const cursorLineBelow = frame.endsWith('\n');
  return { lines: cursorLineBelow ? lines.slice(0, -1) : lines, cursorLineBelow };
}

/** Rows the frame's lines take once a reflowing terminal has re-wrapped them at `columns`. */
export function reflowedRows(frame: string, columns: number): number {
  const width = Math.max(1, columns);
  return frameLines(frame).lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(cellWidth(line) / width)), 0);
}

/**
 * What to write, before Ink reacts to a resize to `columns`, so that Ink's erase of its last frame
 * (`lines + 1` lines up from the cursor line) clears the re-wrapped frame completely: move to the
 * frame's top, clear to the end of the screen, then step down again over the now empty rows.
 * '' when no line of the frame wraps (Ink's erase is right as it is).
 */
export function reflowEraseSequence(frame: string, columns: number): string {
  if (frame === '') return '';
  const { lines, cursorLineBelow } = frameLines(frame);
  const rows = reflowedRows(frame, columns);
  if (rows <= lines.length) return '';
  const up = cursorLineBelow ? rows : rows - 1;
  const down = cursorLineBelow ? lines.length : lines.length - 1;
  return `\r${up > 0 ? `\x1b[${up}A` : ''}\x1b[J${'\n'.repeat(down)}`;
}

/**
 * Follows what Ink writes to learn its last frame: Ink writes a frame as `eraseLines(previous) +
 * frame` in one call, or, after new scrollback, as the erase, the scrollback text and the frame in
 * three calls. Writes with no text (cursor visibility, synchronized-output marks) are not frames.
 */
export class FrameTracker {
  lastFrame = '';

  observe(chunk: unknown): void {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    const eraseAt = text.lastIndexOf(ERASE_END);
    const after = eraseAt === -1 ? text : text.slice(eraseAt + ERASE_END.length);
    if (eraseAt !== -1 || stripVTControlCharacters(after) !== '') this.lastFrame = after;
  }
}
