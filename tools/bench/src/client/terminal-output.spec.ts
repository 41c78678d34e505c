import { BEGIN_FRAME, SequenceCounter, droppedKeystrokes, keystrokeText, stripAnsi } from './terminal-output';

test('stripAnsi removes colours, cursor movement, erase and synchronized-update sequences', () => {
  const raw = `${BEGIN_FRAME}\x1b[2K\x1b[1A\x1b[G\x1b[32m● connected\x1b[39m 127.0.0.1:4000\x1b]0;title\x07 \x1b[7m \x1b[27m\x1b[?2026l`;
  expect(stripAnsi(raw)).toBe('● connected 127.0.0.1:4000  ');
});

test('SequenceCounter counts every frame marker, also one split across chunks, and none twice', () => {
  const c = new SequenceCounter(BEGIN_FRAME);
  c.push(`a${BEGIN_FRAME}b${BEGIN_FRAME}`);
  expect(c.count).toBe(2);
  c.push('\x1b[?20');
  expect(c.count).toBe(2);
  c.push('26hrest');
  expect(c.count).toBe(3);
  c.push('26h');
  expect(c.count).toBe(3);
  c.push(BEGIN_FRAME.slice(0, 3));
  c.push(BEGIN_FRAME.slice(3));
  expect(c.count).toBe(4);
});

test('droppedKeystrokes: all received, some dropped, or something other than drops', () => {
  const typed = keystrokeText(30);
  expect(typed).toBe('abcdefghijklmnopqrstuvwxyzabcd');
  expect(droppedKeystrokes(typed, typed)).toBe(0);
  expect(droppedKeystrokes(typed, typed.replace('k', '').replace('z', ''))).toBe(2);
  expect(droppedKeystrokes(typed, '')).toBe(30);
  expect(droppedKeystrokes(typed, `${typed}x`)).toBeUndefined();
  expect(droppedKeystrokes('abc', 'acb')).toBeUndefined();
  expect(keystrokeText(4, 24)).toBe('yzab');
});
