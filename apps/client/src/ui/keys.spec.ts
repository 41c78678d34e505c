import { decodeKey, splitInput } from './keys';

test('named keys, including the ones Ink cannot tell apart', () => {
  expect(decodeKey('\x1bOP').name).toBe('f1');
  expect(decodeKey('\x1b[12~').name).toBe('f2');
  expect(decodeKey('\x1bOR').name).toBe('f3');
  expect(decodeKey('\x7f').name).toBe('backspace');
  expect(decodeKey('\x1b[3~').name).toBe('delete');
  expect(decodeKey('\x1b[Z').name).toBe('backtab');
  expect(decodeKey('\x1b').name).toBe('escape');
});

test('Enter, Ctrl+J and Alt+Enter are distinct', () => {
  expect(decodeKey('\r')).toMatchObject({ name: 'return', meta: false });
  expect(decodeKey('\n')).toMatchObject({ name: 'newline' });
  expect(decodeKey('\x1b\r')).toMatchObject({ name: 'return', meta: true });
});

test('Alt+digit, Ctrl+letter, text and pasted text', () => {
  expect(decodeKey('\x1b2')).toMatchObject({ text: '2', meta: true });
  expect(decodeKey('\x03')).toMatchObject({ text: 'c', ctrl: true });
  expect(decodeKey('é')).toMatchObject({ text: 'é', ctrl: false, meta: false });
  const paste = decodeKey('line one\rline two');
  expect(paste.text).toBe('line one\rline two');
  expect(paste.name).toBeUndefined();
  const unknown = decodeKey('\x1b[1;5A');
  expect(unknown.text).toBe('');
  expect(unknown.name).toBeUndefined();
});

test('splitInput: typed chunks become keys, pastes stay whole, control bursts are split', () => {
  expect(splitInput('hi\r', true)).toEqual(['h', 'i', '\r']);
  expect(splitInput('hi\r', false)).toEqual(['hi\r']);
  expect(splitInput('\x03\x03', false)).toEqual(['\x03', '\x03']);
  expect(splitInput('\x1b[A', true)).toEqual(['\x1b[A']);
});
