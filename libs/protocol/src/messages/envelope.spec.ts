import { decodeEnvelope, encodeMessage } from './codec';
import { MAX_MESSAGE_BYTES } from './constants';
import { MessageError } from './message-error';
import { requiresId, requiresRe } from './schema';
import { ALL_FIXTURES, MESSAGE_FIXTURES, rawFrame } from './test-fixtures';

function reasonOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageError);
    return (error as MessageError).message;
  }
  throw new Error('expected a MessageError');
}

describe('decodeEnvelope', () => {
  test.each(ALL_FIXTURES.map((msg) => [msg.type, msg] as const))('%s: returns type, id and re of a valid message', (_type, msg) => {
    const envelope = decodeEnvelope(encodeMessage(msg));
    const expected: Record<string, unknown> = { type: msg.type };
    if ('id' in msg && msg.id !== undefined) expected['id'] = msg.id;
    if ('re' in msg && msg.re !== undefined) expected['re'] = msg.re;
    expect(envelope).toEqual(expected);
  });

  test('forwards a message with fields it does not know (a newer peer) without looking at them', () => {
    const header = { ...MESSAGE_FIXTURES.CHAT, mood: 'curious', text: 42 };
    expect(decodeEnvelope(rawFrame(header))).toEqual({ type: 'CHAT', id: 'chat1' });
  });

  test('does not look at the binary tail', () => {
    expect(decodeEnvelope(rawFrame(MESSAGE_FIXTURES.STATUS, Buffer.from('tail')))).toEqual({ type: 'STATUS', id: 'st1' });
  });

  test('rejects an unknown type', () => {
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT_EXPLODE', id: 'a' })))).toMatch(/unknown type "CHAT_EXPLODE"/);
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'hasOwnProperty', id: 'a' })))).toMatch(/unknown type/);
    expect(reasonOf(() => decodeEnvelope(rawFrame({ id: 'a' })))).toMatch(/missing type/);
  });

  test('requires id on requests and re on answers', () => {
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT', text: 'hi' })))).toBe('CHAT.id: missing');
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT_DELTA', text: 'hi' })))).toBe('CHAT_DELTA.re: missing');
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT_CANCEL', id: 'c' })))).toBe('CHAT_CANCEL.re: missing');
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT_CANCEL', re: 'c' })))).toBe('CHAT_CANCEL.id: missing');
  });

  test('accepts the types whose id / re are optional or absent', () => {
    expect(decodeEnvelope(rawFrame({ type: 'ERROR', code: 'LLM_UNREACHABLE', message: 'x' }))).toEqual({ type: 'ERROR' });
    expect(decodeEnvelope(rawFrame({ type: 'FILE_CHUNK', upload: 'u', offset: 0 }))).toEqual({ type: 'FILE_CHUNK' });
    expect(decodeEnvelope(rawFrame({ type: 'CRON_EVENT' }))).toEqual({ type: 'CRON_EVENT' });
    expect(requiresId('FILE_CHUNK')).toBe(false);
    expect(requiresRe('ERROR')).toBe(false);
    expect(requiresId('CHAT_CANCEL') && requiresRe('CHAT_CANCEL')).toBe(true);
  });

  test('rejects a malformed id or re, even where it is optional', () => {
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'CHAT', id: 'a/b' })))).toMatch(/CHAT\.id: id may contain only/);
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'ERROR', re: 7 })))).toMatch(/ERROR\.re: expected a string id/);
    expect(reasonOf(() => decodeEnvelope(rawFrame({ type: 'PONG', re: 'x'.repeat(65) })))).toMatch(/longer than 64/);
  });

  test('rejects broken frames and oversized buffers', () => {
    expect(reasonOf(() => decodeEnvelope(Buffer.alloc(MAX_MESSAGE_BYTES + 1)))).toMatch(/over the limit/);
    expect(reasonOf(() => decodeEnvelope(encodeMessage(MESSAGE_FIXTURES.CHAT).subarray(0, 12)))).toMatch(/truncated/);
    expect(reasonOf(() => decodeEnvelope(rawFrame('{"type":')))).toMatch(/not valid UTF-8 JSON/);
  });

  test('accepts a message of exactly MAX_MESSAGE_BYTES', () => {
    const base = rawFrame({ type: 'CHAT', id: 'a', text: '' });
    const text = 'x'.repeat(MAX_MESSAGE_BYTES - base.length);
    const frame = rawFrame({ type: 'CHAT', id: 'a', text });
    expect(frame.length).toBe(MAX_MESSAGE_BYTES);
    expect(decodeEnvelope(frame)).toEqual({ type: 'CHAT', id: 'a' });
  });
});
