/**
 * Decodes one terminal input event (as Ink's input parser splits them) into a key. Ink's own
 * `useInput` cannot tell F1 from F2 or Backspace from Delete, and both matter here, so the UI
 * decodes raw sequences itself. Pure: raw string in, key out.
 */

export type KeyName =
  | 'return'
  | 'newline'
  | 'tab'
  | 'backtab'
  | 'backspace'
  | 'delete'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'f1'
  | 'f2'
  | 'f3'
  | 'paste-start'
  | 'paste-end';

export interface Keypress {
  /** Named key, or undefined for text. */
  name?: KeyName;
  /** Typed or pasted text ('' for named keys and control chords). */
  text: string;
  ctrl: boolean;
  /** Alt/Option (sent by terminals as an ESC prefix). */
  meta: boolean;
  raw: string;
}

const SEQUENCES: Record<string, KeyName> = {
  '\r': 'return',
  '\n': 'newline',
  '\t': 'tab',
  '\x1b[Z': 'backtab',
  '\x7f': 'backspace',
  '\b': 'backspace',
  '\x1b[3~': 'delete',
  '\x1b': 'escape',
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
  '\x1b[5~': 'pageup',
  '\x1b[6~': 'pagedown',
  '\x1bOP': 'f1',
  '\x1b[11~': 'f1',
  '\x1b[[A': 'f1',
  '\x1bOQ': 'f2',
  '\x1b[12~': 'f2',
  '\x1b[[B': 'f2',
  '\x1bOR': 'f3',
  '\x1b[13~': 'f3',
  '\x1b[[C': 'f3',
  '\x1b[200~': 'paste-start',
  '\x1b[201~': 'paste-end',
};

export function decodeKey(raw: string): Keypress {
  const base: Keypress = { text: '', ctrl: false, meta: false, raw };
  const named = SEQUENCES[raw];
  if (named) return { ...base, name: named };
  if (raw.startsWith('\x1b') && raw.length > 1) {
    const rest = raw.slice(1);
    const inner = SEQUENCES[rest];
    // ESC + key = the same key with Alt (Alt+Enter arrives as ESC CR).
    if (inner && inner !== 'escape') return { ...base, name: inner, meta: true };
    if (rest.length === 1 && rest >= ' ') return { ...base, text: rest, meta: true };
    // Unknown escape sequence (modified arrows, mouse...): ignore rather than insert garbage.
    return base;
  }
  if (raw.length === 1 && raw < ' ') {
    return { ...base, text: String.fromCharCode(raw.charCodeAt(0) + 96), ctrl: true };
  }
  return { ...base, text: raw };
}

/** True for Ctrl+<letter>. */
export function isCtrl(key: Keypress, letter: string): boolean {
  return key.ctrl && key.text === letter;
}

/**
 * Splits one input event into keys. Ink hands over whatever one read() returned (split only at
 * ESC), so "\x03\x03" or "hi\r" can arrive together. `typed` says the chunk is known to be typed,
 * not pasted — true when the terminal marks pastes (bracketed paste) and we are outside one — and
 * then every character is its own key. Otherwise a chunk with text is a paste and stays whole (so
 * a pasted newline does not send), while a chunk of control keys only (Backspace auto-repeat, a
 * double Ctrl+C) is still split.
 */
export function splitInput(raw: string, typed: boolean): string[] {
  if (raw.length <= 1 || raw.startsWith('\x1b')) return [raw];
  const chars = [...raw];
  if (typed) return chars;
  const allControl = chars.every((ch) => ch < ' ' || ch === '\x7f');
  return allControl ? chars : [raw];
}
