import { MAX_ID_CHARS, NEW_ID_CHARS } from './constants';
import { isMessageId, newMessageId } from './ids';

describe('newMessageId', () => {
  test('is short, url-safe and valid as a catalogue id', () => {
    for (let i = 0; i < 100; i++) {
      const id = newMessageId();
      expect(id).toHaveLength(NEW_ID_CHARS);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(isMessageId(id)).toBe(true);
    }
  });

  test('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newMessageId()));
    expect(ids.size).toBe(10_000);
  });
});

describe('isMessageId', () => {
  test('accepts 1..64 characters of [A-Za-z0-9_-] and nothing else', () => {
    expect(isMessageId('a')).toBe(true);
    expect(isMessageId('a'.repeat(MAX_ID_CHARS))).toBe(true);
    expect(isMessageId('a'.repeat(MAX_ID_CHARS + 1))).toBe(false);
    expect(isMessageId('')).toBe(false);
    expect(isMessageId('a.b')).toBe(false);
    expect(isMessageId('a\n')).toBe(false);
    expect(isMessageId(12)).toBe(false);
  });
});
