/**
 * The chat input editor as a pure state machine: keys in, new state (and maybe a message to
 * send) out. Enter sends; Ctrl+J, Alt+Enter and Enter inside a bracketed paste insert a newline;
 * pasted text (one input event) is inserted whole, so a multi-line paste stays one message.
 * Up/Down move between lines, and recall history from the first/last line.
 */
import type { Keypress } from '../keys';

export interface EditorState {
  text: string;
  /** Offset into `text` (UTF-16 units, always on a code point boundary). */
  cursor: number;
  history: readonly string[];
  /** `history.length` while editing a new message. */
  historyIndex: number;
  /** The unsent message kept while browsing history. */
  draft: string;
  /** Inside a bracketed paste: Enter is part of the text. */
  pasting: boolean;
}

export interface EditorResult {
  state: EditorState;
  /** A message to send (Enter on non-blank text). */
  submit?: string;
  /** False when the key means nothing to the editor (the caller may use it). */
  handled: boolean;
}

export function emptyEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history, historyIndex: history.length, draft: '', pasting: false };
}

function insert(state: EditorState, input: string): EditorState {
  // Terminals send CR for newlines inside pastes; tabs would break column maths in the terminal.
  const clean = [...input.replace(/\r\n?/g, '\n').replace(/\t/g, '  ')]
    .filter((ch) => ch === '\n' || (ch >= ' ' && ch !== '\x7f'))
    .join('');
  if (!clean) return state;
  const text = state.text.slice(0, state.cursor) + clean + state.text.slice(state.cursor);
  return { ...state, text, cursor: state.cursor + clean.length };
}

function previousBoundary(text: string, at: number): number {
  if (at <= 0) return 0;
  const low = text.charCodeAt(at - 1);
  return at >= 2 && low >= 0xdc00 && low <= 0xdfff ? at - 2 : at - 1;
}

function nextBoundary(text: string, at: number): number {
  if (at >= text.length) return text.length;
  const high = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff ? at + 2 : at + 1;
}

/** Line index and column of `cursor`. */
export function cursorPosition(text: string, cursor: number): { line: number; column: number } {
  const before = text.slice(0, cursor).split('\n');
  return { line: before.length - 1, column: before[before.length - 1].length };
}

function offsetOf(lines: string[], line: number, column: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset += lines[i].length + 1;
  return offset + Math.min(column, lines[line].length);
}

function moveVertically(state: EditorState, delta: -1 | 1): EditorState | null {
  const lines = state.text.split('\n');
  const { line, column } = cursorPosition(state.text, state.cursor);
  const target = line + delta;
  if (target < 0 || target >= lines.length) return null;
  return { ...state, cursor: offsetOf(lines, target, column) };
}

function recall(state: EditorState, delta: -1 | 1): EditorState {
  const index = state.historyIndex + delta;
  if (index < 0 || index > state.history.length) return state;
  const draft = state.historyIndex === state.history.length ? state.text : state.draft;
  const text = index === state.history.length ? draft : state.history[index];
  return { ...state, historyIndex: index, draft, text, cursor: text.length };
}

function submit(state: EditorState): EditorResult {
  const message = state.text;
  if (message.trim() === '') return { state, handled: true };
  const history = state.history[state.history.length - 1] === message ? state.history : [...state.history, message];
  return { state: emptyEditor(history), submit: message, handled: true };
}

export function editorKey(state: EditorState, key: Keypress): EditorResult {
  const done = (next: EditorState): EditorResult => ({ state: next, handled: true });
  const { text, cursor } = state;
  switch (key.name) {
    case 'paste-start':
      return done({ ...state, pasting: true });
    case 'paste-end':
      return done({ ...state, pasting: false });
    case 'return':
      return key.meta || state.pasting ? done(insert(state, '\n')) : submit(state);
    case 'newline':
      return done(insert(state, '\n'));
    case 'backspace': {
      const from = previousBoundary(text, cursor);
      return done({ ...state, text: text.slice(0, from) + text.slice(cursor), cursor: from });
    }
    case 'delete': {
      const to = nextBoundary(text, cursor);
      return done({ ...state, text: text.slice(0, cursor) + text.slice(to) });
    }
    case 'left':
      return done({ ...state, cursor: previousBoundary(text, cursor) });
    case 'right':
      return done({ ...state, cursor: nextBoundary(text, cursor) });
    case 'home':
      return done({ ...state, cursor: text.lastIndexOf('\n', cursor - 1) + 1 });
    case 'end': {
      const end = text.indexOf('\n', cursor);
      return done({ ...state, cursor: end === -1 ? text.length : end });
    }
    case 'up':
      return done(moveVertically(state, -1) ?? recall(state, -1));
    case 'down':
      return done(moveVertically(state, 1) ?? recall(state, 1));
    case undefined:
      break;
    default:
      return { state, handled: false };
  }
  if (key.ctrl) {
    switch (key.text) {
      case 'a':
        return editorKey(state, { ...key, ctrl: false, name: 'home' });
      case 'e':
        return editorKey(state, { ...key, ctrl: false, name: 'end' });
      case 'u':
        return done({ ...state, text: text.slice(cursor), cursor: 0 });
      case 'k':
        return done({ ...state, text: text.slice(0, cursor) });
      case 'w': {
        const from = text.slice(0, cursor).replace(/\S+\s*$/, '').length;
        return done({ ...state, text: text.slice(0, from) + text.slice(cursor), cursor: from });
      }
      default:
        return { state, handled: false };
    }
  }
  if (key.meta || key.text === '') return { state, handled: false };
  return done(insert(state, key.text));
}

export interface EditorLayout {
  /** Visual rows: logical lines cut into pieces of at most `width` code points. */
  rows: string[];
  /** Which logical line each row starts (true) or continues (false). */
  starts: boolean[];
  cursorRow: number;
  /** Cursor column within its row, in code points. */
  cursorColumn: number;
}

/** Lays the text out in rows of `width` so a long line never makes the live area taller than planned. */
export function layoutEditor(text: string, cursor: number, width: number): EditorLayout {
  const w = Math.max(1, width);
  const rows: string[] = [];
  const starts: boolean[] = [];
  let cursorRow = 0;
  let cursorColumn = 0;
  let offset = 0;
  for (const line of text.split('\n')) {
    const chars = [...line];
    let unitOffset = offset;
    for (let start = 0; start === 0 || start < chars.length; start += w) {
      const piece = chars.slice(start, start + w);
      const pieceText = piece.join('');
      const pieceEnd = unitOffset + pieceText.length;
      const isLastPiece = start + w >= chars.length;
      // The cursor belongs to this row if it lies inside it, or at its end on the line's last row.
      if (cursor >= unitOffset && (cursor < pieceEnd || (isLastPiece && cursor === pieceEnd))) {
        cursorRow = rows.length;
        cursorColumn = [...text.slice(unitOffset, cursor)].length;
      }
      rows.push(pieceText);
      starts.push(start === 0);
      unitOffset = pieceEnd;
      if (chars.length === 0) break;
    }
    offset += line.length + 1;
  }
  // A cursor at the end of a row that is exactly full sits at the start of a new, empty row.
  if (cursorColumn >= w) {
    rows.splice(cursorRow + 1, 0, '');
    starts.splice(cursorRow + 1, 0, false);
    cursorRow += 1;
    cursorColumn = 0;
  }
  return { rows, starts, cursorRow, cursorColumn };
}
