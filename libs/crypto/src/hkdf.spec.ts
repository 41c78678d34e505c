import { hkdfSha256, noiseHkdf } from './hkdf';
import { hmacSha256 } from './hmac';
import { hex, loadVectorFile, type WycheproofFile, type WycheproofResult } from './testing/vectors';

interface HkdfTest {
  tcId: number;
  flags: string[];
  ikm: string;
  salt: string;
  info: string;
  size: number;
  okm: string;
  result: WycheproofResult;
}

const file = loadVectorFile<WycheproofFile<{ tests: HkdfTest[] }>>('wycheproof/hkdf_sha256_test.json');
const cases = file.testGroups.flatMap((group) => group.tests);

describe('Wycheproof hkdf_sha256_test.json', () => {
  test('every case is counted', () => {
    console.log(`HKDF-SHA256 cases run: ${cases.length}`);
    expect(cases.length).toBe(file.numberOfTests);
    expect(cases.every((c) => c.result !== 'acceptable')).toBe(true);
  });

  test.each(cases.map((c) => [c.tcId, c.result, c] as const))('tcId %i is %s', (_id, result, c) => {
    const derive = () => hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), c.size);
    if (result === 'valid') expect(derive().toString('hex')).toBe(c.okm);
    else expect(derive).toThrow(RangeError); // SizeTooLarge: more than 255 * 32 bytes requested
  });
});

describe('noiseHkdf', () => {
  test('matches the Noise spec definition built from HMAC', () => {
    const chainingKey = Buffer.alloc(32, 3);
    const ikm = Buffer.from('input key material');
    const temp = hmacSha256(chainingKey, ikm);
    const out1 = hmacSha256(temp, Buffer.from([1]));
    const out2 = hmacSha256(temp, Buffer.concat([out1, Buffer.from([2])]));
    const out3 = hmacSha256(temp, Buffer.concat([out2, Buffer.from([3])]));
    expect(noiseHkdf(chainingKey, ikm, 2)).toEqual([out1, out2]);
    expect(noiseHkdf(chainingKey, ikm, 3)).toEqual([out1, out2, out3]);
  });

  test('equals RFC 5869 HKDF with the chaining key as salt and empty info', () => {
    const chainingKey = Buffer.alloc(32, 9);
    const ikm = Buffer.from('dh output');
    expect(Buffer.concat(noiseHkdf(chainingKey, ikm, 3))).toEqual(hkdfSha256(ikm, chainingKey, Buffer.alloc(0), 96));
  });
});
