/**
 * Splitting a streaming markdown reply into finished blocks and a live tail (pure).
 *
 * Ink wipes the screen, scrollback included, once its live area is as tall as the terminal. So
 * finished blocks leave the live area for `<Static>` as soon as they are complete: at a blank line
 * outside a code fence. A code fence that grows taller than the live area is cut at its last
 * complete line, closed, and reopened in the tail, which renders exactly like one block.
 */

interface Fence {
  /** The run of ``` or ~~~ that opened it; the closer must use the same character, at least as long. */
  marker: string;
  /** The opening line itself (with its info string), used to reopen a cut fence. */
  openLine: string;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The fence state after `line`, given the state before it. */
function stepFence(open: Fence | null, line: string): Fence | null {
  const match = FENCE_LINE.exec(line);
  if (!match) return open;
  const [, marker, rest] = match;
  if (!open) {
    // A backtick fence's info string may not contain backticks (CommonMark), else it is inline code.
    if (marker[0] === '`' && rest.includes('`')) return null;
    return { marker, openLine: line };
  }
  const closes = marker[0] === open.marker[0] && marker.length >= open.marker.length && rest.trim() === '';
  return closes ? null : open;
}

/** The fence still open at the end of `markdown`, if any. */
export function openFenceAtEnd(markdown: string): Fence | null {
  let fence: Fence | null = null;
  for (const line of markdown.split('\n')) fence = stepFence(fence, line);
  return fence;
}

/** `markdown` with an unfinished code fence closed, so a renderer never sees half a block. */
export function closeOpenFence(markdown: string): string {
  const fence = openFenceAtEnd(markdown);
  if (!fence) return markdown;
  return `${markdown}${markdown.endsWith('\n') ? '' : '\n'}${fence.marker}`;
}

export interface StreamSplit {
  /** Complete markdown blocks, in order, ready for `<Static>`. */
  finished: string[];
  /** What stays live (re-rendered on every frame). */
  pending: string;
}

/**
 * Moves completed blocks out of `pending`. `maxLiveLines` bounds how tall an unfinished code fence
 * may grow in the live area before it is cut.
 */
export function takeFinishedBlocks(pending: string, maxLiveLines: number): StreamSplit {
  const finished: string[] = [];
  let rest = pending;
  for (;;) {
    const lines = rest.split('\n');
    // The last element has no newline after it yet: it may still grow, so it is never committed.
    const complete = lines.length - 1;
    let fence: Fence | null = null;
    let lastBreak = -1;
    let sawContent = false;
    for (let i = 0; i < complete; i++) {
      const line = lines[i];
      const wasInFence: boolean = fence !== null;
      fence = stepFence(fence, line);
      if (!wasInFence && fence === null && line.trim() === '') {
        if (sawContent) lastBreak = i;
      } else {
        sawContent = true;
      }
    }
    if (lastBreak >= 0) {
      finished.push(lines.slice(0, lastBreak).join('\n'));
      rest = lines.slice(lastBreak + 1).join('\n');
      continue;
    }
    const openFence = fence as Fence | null;
    if (openFence && complete > maxLiveLines) {
      finished.push(`${lines.slice(0, complete).join('\n')}\n${openFence.marker}`);
      rest = `${openFence.openLine}\n${lines[complete]}`;
      continue;
    }
    return { finished, pending: rest };
  }
}
