import { ProtocolError } from '@clawchat/protocol';
import { isSameOrInside, parentOf, parseSandboxPath, segmentProblem } from './sandbox-path';

function codeOf(raw: unknown): string {
  try {
    parseSandboxPath(raw);
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return 'OK';
}

describe('parseSandboxPath', () => {
  test.each([
    ['', []],
    ['.', []],
    ['./', []],
    ['a', ['a']],
    ['a/b/c.txt', ['a', 'b', 'c.txt']],
    ['docs/', ['docs']],
    ['...', ['...']],
    ['..a', ['..a']],
    ['a..', ['a..']],
    ['100%20done', ['100%20done']],
    ['café', ['café']],
    ['日本語/ファイル', ['日本語', 'ファイル']],
    ['~', ['~']],
    ['ab:c', ['ab:c']],
    ['con-fig', ['con-fig']],
  ])('accepts %j', (raw, segments) => {
    const parsed = parseSandboxPath(raw);
    expect(parsed.segments).toEqual(segments);
    expect(parsed.text).toBe(segments.join('/'));
  });

  test.each([
    // climbing or absolute
    ['..', 'OUTSIDE_SANDBOX'],
    ['../x', 'OUTSIDE_SANDBOX'],
    ['a/../../x', 'OUTSIDE_SANDBOX'],
    ['a/..', 'OUTSIDE_SANDBOX'],
    ['./..', 'OUTSIDE_SANDBOX'],
    ['/etc/passwd', 'OUTSIDE_SANDBOX'],
    ['//x', 'OUTSIDE_SANDBOX'],
    ['/', 'OUTSIDE_SANDBOX'],
    ['C:\\x', 'OUTSIDE_SANDBOX'],
    ['C:/x', 'OUTSIDE_SANDBOX'],
    ['c:x', 'OUTSIDE_SANDBOX'],
    ['\\\\server\\share', 'OUTSIDE_SANDBOX'],
    ['.clawchat-uploads/..', 'OUTSIDE_SANDBOX'],
    // malformed text
    ['..\\x', 'BAD_REQUEST'],
    ['a\\b', 'BAD_REQUEST'],
    ['%2e%2e/x', 'BAD_REQUEST'],
    ['..%2f', 'BAD_REQUEST'],
    ['%2E%2E%2Fsecret', 'BAD_REQUEST'],
    ['%252e%252e/x', 'BAD_REQUEST'],
    ['a%5cb', 'BAD_REQUEST'],
    ['x%00', 'BAD_REQUEST'],
    ['a\u0000b', 'BAD_REQUEST'],
    ['a\nb', 'BAD_REQUEST'],
    ['a\u0085b', 'BAD_REQUEST'],
    ['a\u007fb', 'BAD_REQUEST'],
    ['evil\u202Etxt.exe', 'BAD_REQUEST'],
    ['a\u200Bb', 'BAD_REQUEST'],
    ['\uFEFFx', 'BAD_REQUEST'],
    ['a\u2066b', 'BAD_REQUEST'],
    ['cafe\u0301', 'BAD_REQUEST'],
    ['a\uD800b', 'BAD_REQUEST'],
    ['a//b', 'BAD_REQUEST'],
    ['a/./b', 'BAD_REQUEST'],
    ['./a', 'BAD_REQUEST'],
    ['a//', 'BAD_REQUEST'],
    ['x'.repeat(256), 'BAD_REQUEST'],
    ['é'.repeat(128), 'BAD_REQUEST'], // 256 bytes in UTF-8
    ['abc/'.repeat(1100), 'BAD_REQUEST'],
    ['CON', 'BAD_REQUEST'],
    ['dir/nul.txt', 'BAD_REQUEST'],
    ['lpt1 ', 'BAD_REQUEST'],
    ['.clawchat-uploads', 'BAD_REQUEST'],
    ['.clawchat-uploads/abc.part', 'BAD_REQUEST'],
    ['.CLAWCHAT-UPLOADS/x', 'BAD_REQUEST'],
    ['a/.clawchat-uploads', 'BAD_REQUEST'],
  ])('refuses %j with %s', (raw, code) => {
    expect(codeOf(raw)).toBe(code);
  });

  test.each([[undefined], [null], [42], [{}], [['a']]])('refuses non-string %j', (raw) => {
    expect(codeOf(raw)).toBe('BAD_REQUEST');
  });

  test('accepts names of exactly 255 bytes and paths of exactly 4096 bytes', () => {
    expect(codeOf('x'.repeat(255))).toBe('OK');
    const path = `${'x'.repeat(200)}/`.repeat(20) + 'y'.repeat(76);
    expect(Buffer.byteLength(path)).toBe(4096);
    expect(codeOf(path)).toBe('OK');
    expect(codeOf(path + 'z')).toBe('BAD_REQUEST');
  });

  test('messages never echo the raw hostile text and are one line', () => {
    try {
      parseSandboxPath('../../etc/passwd');
    } catch (err) {
      expect((err as Error).message).not.toContain('passwd');
      expect((err as Error).message).not.toContain('\n');
    }
    expect.assertions(2);
  });
});

describe('helpers', () => {
  test('segmentProblem explains refusals and accepts plain names', () => {
    expect(segmentProblem('report.pdf')).toBeNull();
    expect(segmentProblem('a\u202Eb')).toMatch(/direction/);
  });

  test('parentOf and isSameOrInside', () => {
    const ab = parseSandboxPath('a/b');
    expect(parentOf(ab).text).toBe('a');
    expect(parentOf(parseSandboxPath('a')).segments).toEqual([]);
    expect(isSameOrInside(ab, parseSandboxPath('a'))).toBe(true);
    expect(isSameOrInside(parseSandboxPath('ab'), parseSandboxPath('a'))).toBe(false);
    expect(isSameOrInside(parseSandboxPath('a'), ab)).toBe(false);
  });
});
