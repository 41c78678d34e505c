import { createRedactor, REDACTED } from './redact';

describe('createRedactor', () => {
  test('replaces every occurrence of every configured secret', () => {
    const redact = createRedactor(['key-one-123456', 'other-secret-99']);
    expect(redact('a key-one-123456 b other-secret-99 c key-one-123456')).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  test('removes a longer secret whole even when it contains a shorter one', () => {
    const redact = createRedactor(['abcdef', 'abcdef-ghijkl']);
    expect(redact('x abcdef-ghijkl y')).toBe(`x ${REDACTED} y`);
  });

  test('treats secrets literally, not as patterns', () => {
    const redact = createRedactor(['a.b*c+d(e)']);
    expect(redact('a.b*c+d(e) and aXbbbcd')).toBe(`${REDACTED} and aXbbbcd`);
  });

  test('ignores missing and too-short values instead of wrecking text', () => {
    const redact = createRedactor([undefined, '', 'ab']);
    expect(redact('a cab about')).toBe('a cab about');
  });

  test('scrubs bearer tokens and sk- shaped keys it was not told about', () => {
    const redact = createRedactor([]);
    expect(redact('header Authorization: Bearer abc.def-ghi_jkl')).toBe(`header Authorization: ${REDACTED}`);
    expect(redact('Incorrect API key provided: sk-proj-AbCdEf123456789')).toBe(`Incorrect API key provided: ${REDACTED}`);
    expect(redact('sk-ant-api03-abcdefghijklmnop')).toBe(REDACTED);
  });

  test('scrubs keys that a provider printed partly masked', () => {
    const redact = createRedactor([]);
    expect(redact('Incorrect API key provided: sk-abc...wxyz.')).toBe(`Incorrect API key provided: ${REDACTED}.`);
    expect(redact('key sk-proj-ab****************wxyz is invalid')).toBe(`key ${REDACTED} is invalid`);
    expect(redact('key sk-abc\u2026wxyz')).toBe(`key ${REDACTED}`);
    expect(redact('Your api key: ****wxyz is invalid')).toBe(`Your api key: ${REDACTED} is invalid`);
    expect(redact('short sk-abcd1234 key')).toBe(`short ${REDACTED} key`);
  });

  test('scrubs whatever follows Bearer, however short, but keeps "bearer" in prose', () => {
    const redact = createRedactor([]);
    expect(redact('sent Bearer abc')).toBe(`sent ${REDACTED}`);
    expect(redact('Missing bearer or basic authentication in header')).toBe('Missing bearer or basic authentication in header');
  });

  test('leaves ordinary text alone', () => {
    const redact = createRedactor(['s3cr3t-value']);
    expect(redact('risk-free task: sk- prefix mentioned')).toBe('risk-free task: sk- prefix mentioned');
  });
});
