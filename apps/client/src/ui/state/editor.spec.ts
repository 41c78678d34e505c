import { decodeKey } from '../keys';
import { editorKey, emptyEditor, layoutEditor, type EditorState } from './editor';

function type(state: EditorState, ...raws: string[]): { state: EditorState; sent: string[] } {
  const sent: string[] = [];
  for (const raw of raws) {
    const result = editorKey(state, decodeKey(raw));
    state = result.state;
    if (result.submit !== undefined) sent.push(result.submit);
  }
  return { state, sent };
}

test('Enter sends; Ctrl+J and Alt+Enter insert newlines', () => {
  const { state, sent } = type(emptyEditor(), 'a', 'b', '\n', 'c', '\x1b\r', 'd', '\r');
  expect(sent).toEqual(['ab\nc\nd']);
  expect(state.text).toBe('');
});

test('a multi-line paste is inserted whole, CRs become newlines', () => {
  const { state, sent } = type(emptyEditor(), 'line one\r\nline two\rline three');
  expect(sent).toEqual([]);
  expect(state.text).toBe('line one\nline two\nline three');
});

test('Enter inside a bracketed paste is a newline', () => {
  const { state, sent } = type(emptyEditor(), '\x1b[200~', 'a', '\r', 'b', '\x1b[201~');
  expect(sent).toEqual([]);
  expect(state.text).toBe('a\nb');
});

test('blank text is not sent', () => {
  expect(type(emptyEditor(), ' ', '\r').sent).toEqual([]);
});

test('editing keys: backspace over a surrogate pair, left, delete, Ctrl+W', () => {
  let { state } = type(emptyEditor(), 'hi 😀');
  ({ state } = type(state, '\x7f'));
  expect(state.text).toBe('hi ');
  ({ state } = type(state, 'x', '\x1b[D', '\x1b[D', '\x1b[3~'));
  expect(state.text).toBe('hix');
  ({ state } = type(state, '\x1b[F', ' word', '\x17'));
  expect(state.text).toBe('hix ');
});

test('Up/Down move between lines first, then recall history', () => {
  let { state } = type(emptyEditor(), 'first', '\r', 'second', '\r', 'dra', '\n', 'ft');
  ({ state } = type(state, '\x1b[A'));
  expect(state.text).toBe('dra\nft'); // moved to the first line, no recall yet
  ({ state } = type(state, '\x1b[A'));
  expect(state.text).toBe('second');
  ({ state } = type(state, '\x1b[A'));
  expect(state.text).toBe('first');
  ({ state } = type(state, '\x1b[B', '\x1b[B'));
  expect(state.text).toBe('dra\nft'); // the draft comes back
});

test('layoutEditor cuts long lines to the width and finds the cursor', () => {
  const layout = layoutEditor('abcdefgh\nxy', 5, 3);
  expect(layout.rows).toEqual(['abc', 'def', 'gh', 'xy']);
  expect(layout.starts).toEqual([true, false, false, true]);
  expect([layout.cursorRow, layout.cursorColumn]).toEqual([1, 2]);
  expect(layoutEditor('abc', 3, 3)).toMatchObject({ rows: ['abc', ''], cursorRow: 1, cursorColumn: 0 });
  expect(layoutEditor('', 0, 10)).toMatchObject({ rows: [''], cursorRow: 0, cursorColumn: 0 });
  expect(layoutEditor('ab\n', 3, 10)).toMatchObject({ rows: ['ab', ''], cursorRow: 1, cursorColumn: 0 });
});
