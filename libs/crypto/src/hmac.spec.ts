import { hmacSha256, verifyHmacSha256 } from './hmac';
import { hex, loadVectorFile, type WycheproofFile, type WycheproofResult } from './testing/vectors';

interface MacTest {
  tcId: number;
  key: string;
  msg: string;
  tag: string;
  result: WycheproofResult;
}

const file = loadVectorFile<WycheproofFile<{ keySize: number; tagSize: number; tests: MacTest[] }>>('wycheproof/hmac_sha256_test.json');
const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ ...test, tagSize: group.tagSize })));

describe('Wycheproof hmac_sha256_test.json', () => {
  test('every case is counted', () => {
    console.log(`HMAC-SHA256 cases run: ${cases.length} (truncated-tag cases: ${cases.filter((c) => c.tagSize < 256).length})`);
    expect(cases.length).toBe(file.numberOfTests);
    expect(cases.every((c) => c.result !== 'acceptable')).toBe(true);
  });

  test.each(cases.map((c) => [c.tcId, c.tagSize, c.result, c] as const))('tcId %i (%i-bit tag) is %s', (_id, tagSize, result, c) => {
    const tag = hex(c.tag);
    expect(tag.length * 8).toBe(tagSize);
    const computedPrefix = hmacSha256(hex(c.key), hex(c.msg)).subarray(0, tag.length).toString('hex');
    const verified = verifyHmacSha256(hex(c.key), hex(c.msg), tag);
    if (result === 'valid') {
      expect(computedPrefix).toBe(c.tag);
      expect(verified).toBe(true);
    } else {
      expect(computedPrefix).not.toBe(c.tag);
      expect(verified).toBe(false);
    }
  });

  test('tags shorter than 128 bits are refused even when they match', () => {
    const key = Buffer.alloc(32, 1);
    const mac = hmacSha256(key, Buffer.from('m'));
    expect(verifyHmacSha256(key, Buffer.from('m'), mac.subarray(0, 8))).toBe(false);
    expect(verifyHmacSha256(key, Buffer.from('m'), Buffer.concat([mac, Buffer.alloc(1)]))).toBe(false);
  });
});
