import { createHash, randomBytes } from 'node:crypto';
import { decodeMessage, encodeMessage } from './codec';
import {
  MAX_ATTACHMENTS,
  MAX_FILE_CHUNK_BYTES,
  MAX_HISTORY_PAGE,
  MAX_ID_CHARS,
  MAX_JSON_DEPTH,
  MAX_MESSAGE_BYTES,
  MAX_PATH_CHARS,
  MAX_TEXT_CHARS,
} from './constants';
import { MessageError } from './message-error';
import { MESSAGE_TYPES, schemaOf } from './schema';
import { ALL_FIXTURES, MESSAGE_FIXTURES, rawFrame } from './test-fixtures';
import type { FieldSpec } from './fields';
import type { EncodableMessage, Message, MessageType } from './types';

function expectRejected(action: () => unknown, reason: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MessageError);
  const error = caught as MessageError;
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.message).toMatch(reason);
  expect(error.message).not.toContain('\n');
}

/** A fixture with one field replaced (or removed when value is undefined), bypassing the types on purpose. */
function withField(type: MessageType, field: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...MESSAGE_FIXTURES[type] };
  if (value === undefined) delete copy[field];
  else copy[field] = value;
  return copy;
}

/** Encodes a fixture variant by hand (header + tail) so decodeMessage sees exactly what a broken peer sends. */
function frameOf(msg: Record<string, unknown>): Buffer {
  const { bytes, ...header } = msg;
  return rawFrame(header, bytes instanceof Uint8Array ? bytes : undefined);
}

/** A value of the wrong JSON type for a field of this kind. */
function wrongTypeFor(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'int':
    case 'boolean':
      return 'text';
    case 'object':
    case 'json-object':
    case 'array':
      return 7;
    default:
      return { not: 'a string' };
  }
}

describe('round trip', () => {
  test('there is a fixture for every message type', () => {
    expect(Object.keys(MESSAGE_FIXTURES).sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  test.each(ALL_FIXTURES.map((msg) => [msg.type, msg] as const))('%s encodes and decodes to an equal message', (_type, msg) => {
    const encoded = encodeMessage(msg);
    const decoded = decodeMessage(encoded);
    expect(decoded).toEqual(msg);
    // Encoding is deterministic: re-encoding the decoded message gives the same bytes.
    expect(encodeMessage(decoded).equals(encoded)).toBe(true);
  });

  test.each(MESSAGE_TYPES.map((type) => [type]))('%s round-trips with every optional field left out', (type) => {
    const minimal = { ...MESSAGE_FIXTURES[type] } as Record<string, unknown>;
    for (const [field, rule] of Object.entries(schemaOf(type))) if (rule.optional) delete minimal[field];
    expect(decodeMessage(encodeMessage(minimal as unknown as Message))).toEqual(minimal);
  });

  test('fields set to undefined are treated as absent when encoding', () => {
    const msg: Message = { type: 'ERROR', re: undefined, code: 'INTERNAL', message: 'boom' };
    expect(decodeMessage(encodeMessage(msg))).toEqual({ type: 'ERROR', code: 'INTERNAL', message: 'boom' });
  });

  test('the byte layout is version | u32 BE header length | JSON header | tail', () => {
    const encoded = encodeMessage(MESSAGE_FIXTURES.FILE_DATA);
    expect(encoded[0]).toBe(1);
    const headerLength = encoded.readUInt32BE(1);
    const header = JSON.parse(encoded.subarray(5, 5 + headerLength).toString('utf8'));
    expect(header).toEqual({ type: 'FILE_DATA', re: 'dl1', offset: 262_144 });
    expect(encoded.length).toBe(5 + headerLength + MESSAGE_FIXTURES.FILE_DATA.bytes.length);
  });
});

describe('binary tail', () => {
  test('a full 256 KiB chunk travels as raw bytes and arrives intact', () => {
    const bytes = randomBytes(MAX_FILE_CHUNK_BYTES);
    const sent: EncodableMessage = { type: 'FILE_CHUNK', upload: 'u1', offset: 1 << 20, bytes };
    const encoded = encodeMessage(sent);
    // Raw, not base64: the tail is the last 256 KiB of the buffer and the header is tiny.
    expect(encoded.length).toBeLessThan(MAX_FILE_CHUNK_BYTES + 100);
    expect(Buffer.from(encoded.subarray(encoded.length - bytes.length)).equals(bytes)).toBe(true);
    const decoded = decodeMessage(encoded);
    if (decoded.type !== 'FILE_CHUNK') throw new Error('wrong type');
    expect(createHash('sha256').update(decoded.bytes).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(decoded.bytes.length).toBe(MAX_FILE_CHUNK_BYTES);
  });

  test('decoded bytes are a copy: reusing the receive buffer does not change them', () => {
    const encoded = encodeMessage(MESSAGE_FIXTURES.FILE_DATA);
    const decoded = decodeMessage(encoded);
    encoded.fill(0);
    expect(decoded).toEqual(MESSAGE_FIXTURES.FILE_DATA);
  });

  test('decodes from a Uint8Array view at a non-zero offset', () => {
    const encoded = encodeMessage(MESSAGE_FIXTURES.FILE_DATA);
    const padded = new Uint8Array(encoded.length + 10);
    padded.set(encoded, 7);
    expect(decodeMessage(padded.subarray(7, 7 + encoded.length))).toEqual(MESSAGE_FIXTURES.FILE_DATA);
  });
});

describe('decodeMessage rejects', () => {
  const frameCases: [string, () => unknown, RegExp][] = [
    ['a non-buffer', () => decodeMessage('hello' as unknown as Uint8Array), /expected a byte buffer/],
    ['a buffer shorter than the prefix', () => decodeMessage(Buffer.from([1, 0, 0])), /shorter than the 5-byte prefix/],
    ['a buffer over MAX_MESSAGE_BYTES', () => decodeMessage(Buffer.alloc(MAX_MESSAGE_BYTES + 1)), /over the limit/],
    ['an unknown codec version', () => decodeMessage(rawFrame(MESSAGE_FIXTURES.STATUS, undefined, 2)), /codec version 2, expected 1/],
    ['an empty header', () => decodeMessage(rawFrame('')), /empty JSON header/],
    ['a header length past the end', () => decodeMessage(rawFrame(MESSAGE_FIXTURES.STATUS).subarray(0, 20)), /truncated/],
    ['invalid UTF-8', () => decodeMessage(rawFrame(Buffer.from([0x7b, 0xff, 0x7d]).toString('latin1'))), /not valid UTF-8 JSON/],
    ['invalid JSON', () => decodeMessage(rawFrame('{"type":"STATUS",')), /not valid UTF-8 JSON/],
    ['JSON with trailing garbage', () => decodeMessage(rawFrame('{"type":"STATUS","id":"a"} x')), /not valid UTF-8 JSON/],
    ['a JSON array header', () => decodeMessage(rawFrame([1, 2])), /not a JSON object/],
    ['a JSON string header', () => decodeMessage(rawFrame('"STATUS"')), /not a JSON object/],
    ['a missing type', () => decodeMessage(rawFrame({ id: 'a' })), /missing type/],
    ['a non-string type', () => decodeMessage(rawFrame({ type: 5, id: 'a' })), /type must be a string/],
    ['an unknown type', () => decodeMessage(rawFrame({ type: 'FILE_EXPLODE', id: 'a' })), /unknown type "FILE_EXPLODE"/],
    ['a prototype name as type', () => decodeMessage(rawFrame({ type: '__proto__', id: 'a' })), /unknown type/],
    ['an inherited name as type', () => decodeMessage(rawFrame({ type: 'constructor', id: 'a' })), /unknown type/],
    ['a __proto__ field', () => decodeMessage(rawFrame('{"type":"STATUS","id":"a","__proto__":{"x":1}}')), /unexpected field "__proto__"/],
    ['an extra field', () => decodeMessage(rawFrame({ ...MESSAGE_FIXTURES.CHAT, mood: 'happy' })), /CHAT: unexpected field "mood"/],
    ['a missing field', () => decodeMessage(frameOf(withField('CHAT', 'text', undefined))), /CHAT\.text: missing/],
    ['a wrong-typed field', () => decodeMessage(frameOf(withField('PING', 't', '12'))), /PING\.t: expected a number/],
    ['a null field', () => decodeMessage(frameOf(withField('CHAT', 'attachments', null))), /CHAT\.attachments: expected an array/],
    ['chat text over MAX_TEXT_CHARS', () => decodeMessage(frameOf(withField('CHAT', 'text', 'x'.repeat(MAX_TEXT_CHARS + 1)))), /CHAT\.text: longer than 1000000/],
    ['an empty chat', () => decodeMessage(frameOf(withField('CHAT', 'text', ''))), /CHAT\.text: must not be empty/],
    ['a path over MAX_PATH_CHARS', () => decodeMessage(frameOf(withField('FILE_LIST', 'path', 'a'.repeat(MAX_PATH_CHARS + 1)))), /FILE_LIST\.path: longer than 4096/],
    ['a path with NUL', () => decodeMessage(frameOf(withField('FILE_STAT', 'path', 'a\u0000b'))), /FILE_STAT\.path: path must not contain NUL/],
    ['an id with bad characters', () => decodeMessage(frameOf(withField('STATUS', 'id', 'a b'))), /STATUS\.id: id may contain only/],
    ['an id too long', () => decodeMessage(frameOf(withField('STATUS', 'id', 'a'.repeat(MAX_ID_CHARS + 1)))), /STATUS\.id: longer than 64/],
    ['an empty id', () => decodeMessage(frameOf(withField('STATUS', 'id', ''))), /STATUS\.id: must not be empty/],
    ['a label with control characters', () => decodeMessage(frameOf(withField('HELLO', 'device', 'evil\u001b[2J'))), /HELLO\.device: must not contain control characters/],
    ['a non-integer number', () => decodeMessage(frameOf(withField('FILE_DOWNLOAD', 'offset', 1.5))), /FILE_DOWNLOAD\.offset: expected an integer/],
    ['a negative offset', () => decodeMessage(frameOf(withField('FILE_DATA', 'offset', -1))), /FILE_DATA\.offset: out of range 0\.\./],
    ['an unsafe integer', () => decodeMessage(frameOf(withField('FILE_UPLOAD', 'size', 2 ** 53))), /FILE_UPLOAD\.size: out of range/],
    ['a history page of 0', () => decodeMessage(frameOf(withField('CHAT_HISTORY', 'limit', 0))), /CHAT_HISTORY\.limit: out of range 1\.\.200/],
    ['a history page over the cap', () => decodeMessage(frameOf(withField('CHAT_HISTORY', 'limit', MAX_HISTORY_PAGE + 1))), /out of range/],
    ['a number written as 1e400', () => decodeMessage(rawFrame('{"type":"PING","id":"a","t":1e400}')), /PING\.t: expected an integer/],
    [
      'too many attachments',
      () => decodeMessage(frameOf(withField('CHAT', 'attachments', Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `f${i}`)))),
      /CHAT\.attachments: more than 16 items/,
    ],
    ['a bad attachment', () => decodeMessage(frameOf(withField('CHAT', 'attachments', ['ok', 3]))), /CHAT\.attachments\[1\]: expected a path string/],
    ['an unknown error code', () => decodeMessage(frameOf(withField('ERROR', 'code', 'OOPS'))), /ERROR\.code: expected one of BAD_REQUEST/],
    ['an unknown cron event', () => decodeMessage(frameOf(withField('CRON_EVENT', 'event', 'exploded'))), /CRON_EVENT\.event: expected one of started, finished/],
    ['an uppercase sha256', () => decodeMessage(frameOf(withField('FILE_DONE', 'sha256', 'A'.repeat(64)))), /FILE_DONE\.sha256: expected 64 lowercase hex/],
    ['an extra field in a nested object', () => decodeMessage(frameOf(withField('CHAT_DONE', 'usage', { inputTokens: 1, outputTokens: 2, cost: 3 }))), /CHAT_DONE\.usage: unexpected field "cost"/],
    ['a missing nested field', () => decodeMessage(frameOf(withField('WELCOME', 'session', { turns: 1 }))), /WELCOME\.session\.startedAt: missing/],
    ['a binary tail on a type without bytes', () => decodeMessage(rawFrame(MESSAGE_FIXTURES.STATUS, Buffer.from('junk'))), /STATUS: 4 unexpected bytes after the JSON header/],
    ['bytes inside the JSON header', () => decodeMessage(rawFrame({ ...withField('FILE_DATA', 'bytes', undefined), bytes: 'AAAA' }, Buffer.from('x'))), /FILE_DATA\.bytes: must travel as the binary tail/],
    ['a FILE_DATA with no tail', () => decodeMessage(rawFrame(withField('FILE_DATA', 'bytes', undefined))), /FILE_DATA\.bytes: fewer than 1 bytes/],
    ['a chunk over MAX_FILE_CHUNK_BYTES', () => decodeMessage(frameOf(withField('FILE_CHUNK', 'bytes', new Uint8Array(MAX_FILE_CHUNK_BYTES + 1)))), /FILE_CHUNK\.bytes: more than 262144 bytes/],
    ['an OK whose result is not an object', () => decodeMessage(frameOf(withField('OK', 'result', [1]))), /OK\.result: expected an object/],
    [
      'an OK result nested too deep',
      () => decodeMessage(rawFrame(`{"type":"OK","re":"a","result":${'{"a":'.repeat(MAX_JSON_DEPTH + 2)}1${'}'.repeat(MAX_JSON_DEPTH + 2)}}`)),
      /nested deeper than 32 levels/,
    ],
    ['an OK with an unbounded array nesting', () => decodeMessage(rawFrame(`{"type":"OK","re":"a","result":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`)), /nested deeper/],
  ];

  test.each(frameCases)('%s', (_name, action, reason) => expectRejected(action, reason));

  test.each(MESSAGE_TYPES.map((type) => [type]))('%s: every missing required field, wrong-typed field and extra field', (type) => {
    for (const [field, rule] of Object.entries(schemaOf(type))) {
      if (field === 'type') continue;
      const bytesField = rule.spec.kind === 'bytes';
      if (!rule.optional && !bytesField) expectRejected(() => decodeMessage(frameOf(withField(type, field, undefined))), new RegExp(`${type}\\.${field}: missing`));
      if (!bytesField) expectRejected(() => decodeMessage(frameOf(withField(type, field, wrongTypeFor(rule.spec)))), new RegExp(`${type}\\.${field}`));
    }
    expectRejected(() => decodeMessage(frameOf(withField(type, 'zzExtra', 1))), new RegExp(`${type}: unexpected field "zzExtra"`));
  });
});

describe('encodeMessage rejects', () => {
  test('an invalid message before sending it', () => {
    expectRejected(() => encodeMessage({ ...MESSAGE_FIXTURES.CHAT, text: '' }), /CHAT\.text: must not be empty/);
    expectRejected(() => encodeMessage({ ...MESSAGE_FIXTURES.STATUS, extra: 1 } as unknown as Message), /unexpected field "extra"/);
    expectRejected(() => encodeMessage({ type: 'NOPE' } as unknown as Message), /unknown type "NOPE"/);
    expectRejected(() => encodeMessage({ type: 'OK', re: 'a', result: { when: new Date() } } as unknown as Message), /not a JSON value/);
    expectRejected(() => encodeMessage({ type: 'OK', re: 'a', result: { n: Number.NaN } } as unknown as Message), /finite number/);
  });

  test('a message that encodes to more than MAX_MESSAGE_BYTES', () => {
    // Each control character becomes a 6-byte \u00XX escape in JSON: 1M characters make 6 MB.
    expectRejected(() => encodeMessage({ type: 'CHAT', id: 'a', text: '\u0001'.repeat(MAX_TEXT_CHARS) }), /over the limit of 4194304 bytes/);
  });

  test('a FILE_DATA whose bytes are not bytes', () => {
    expectRejected(() => encodeMessage({ ...MESSAGE_FIXTURES.FILE_DATA, bytes: [1, 2, 3] } as unknown as Message), /FILE_DATA\.bytes: expected bytes/);
  });
});
