import { aeadOpen, aeadOpenPacket, aeadSeal, aeadSealPacket, aeadSealPacketInPlace, aesGcmOpen, aesGcmSeal, counterNonce } from './aead';
import { hex, loadVectorFile, type WycheproofFile, type WycheproofResult } from './testing/vectors';

interface AeadTest {
  tcId: number;
  flags: string[];
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: WycheproofResult;
}
interface AeadGroup {
  ivSize: number;
  keySize: number;
  tagSize: number;
  tests: AeadTest[];
}

const file = loadVectorFile<WycheproofFile<AeadGroup>>('wycheproof/aes_gcm_test.json');
// Only 96-bit IVs: that is all Noise (and this library) uses; other IV sizes are out of scope per the vectors README.
const cases = file.testGroups
  .filter((group) => group.ivSize === 96 && group.tagSize === 128)
  .flatMap((group) => group.tests.map((test) => ({ ...test, keySize: group.keySize })));

describe('Wycheproof aes_gcm_test.json (96-bit IV groups)', () => {
  test('the expected number of cases is present', () => {
    const bySize = (size: number) => cases.filter((c) => c.keySize === size).length;
    console.log(`AES-GCM cases run: ${cases.length} (128-bit ${bySize(128)}, 192-bit ${bySize(192)}, 256-bit ${bySize(256)})`);
    expect(bySize(256)).toBe(66);
    expect(bySize(192)).toBe(64);
    expect(bySize(128)).toBe(67);
    // No 'acceptable' results exist in these groups; if a new file adds some, this test must be revisited.
    expect(cases.every((c) => c.result !== 'acceptable')).toBe(true);
  });

  test.each(cases.map((c) => [c.tcId, c.keySize, c.result, c] as const))('tcId %i (%i-bit key) is %s', (_id, keySize, result, c) => {
    const [key, iv, aad, msg] = [hex(c.key), hex(c.iv), hex(c.aad), hex(c.msg)];
    const sealedExpected = Buffer.concat([hex(c.ct), hex(c.tag)]);
    const [seal, open] = keySize === 256 ? [aeadSeal, aeadOpen] : [aesGcmSeal, aesGcmOpen];
    const opened = open(key, iv, sealedExpected, aad);
    if (result === 'valid') {
      expect(seal(key, iv, msg, aad).toString('hex')).toBe(sealedExpected.toString('hex'));
      expect(opened?.toString('hex')).toBe(c.msg);
    } else {
      // Invalid: modified tags must be rejected, not merely survive.
      expect(opened).toBeNull();
    }
  });
});

describe('aead edge cases', () => {
  const key = Buffer.alloc(32, 1);
  const nonce = counterNonce(7n);

  test('counterNonce is 4 zero bytes then the counter big-endian', () => {
    expect(counterNonce(0x0102030405060708n).toString('hex')).toBe('000000000102030405060708');
    expect(() => counterNonce(1n << 64n)).toThrow(RangeError);
    expect(() => counterNonce(-1n)).toThrow(RangeError);
  });

  test('open never throws on malformed input', () => {
    const sealed = aeadSeal(key, nonce, Buffer.from('hi'), Buffer.alloc(0));
    expect(aeadOpen(key, nonce, sealed.subarray(0, 15), Buffer.alloc(0))).toBeNull();
    expect(aeadOpen(Buffer.alloc(16), nonce, sealed, Buffer.alloc(0))).toBeNull();
    expect(aeadOpen(key, Buffer.alloc(8), sealed, Buffer.alloc(0))).toBeNull();
    expect(aeadOpen(key, nonce, sealed, Buffer.from('other ad'))).toBeNull();
    expect(aeadOpen(key, nonce, sealed, Buffer.alloc(0))?.toString()).toBe('hi');
  });

  test('seal refuses a key that is not 256 bits', () => {
    expect(() => aeadSeal(Buffer.alloc(16), nonce, Buffer.alloc(0), Buffer.alloc(0))).toThrow(RangeError);
  });
});

describe('packet sealing in place', () => {
  const key = Buffer.alloc(32, 7);
  const header = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const plaintext = Buffer.from('frames of a data packet, any length at all');

  function buildPacket(): Buffer {
    const packet = Buffer.alloc(header.length + plaintext.length + 16, 0xee);
    header.copy(packet, 0);
    plaintext.copy(packet, header.length);
    return packet;
  }

  test('gives exactly what aeadSealPacket gives, for counters on both sides of 2^32', () => {
    for (const counter of [0, 1, 0xffffffff, 0x100000000, 0x123456789abcd, Number.MAX_SAFE_INTEGER]) {
      const packet = buildPacket();
      aeadSealPacketInPlace(key, counter, packet, header.length);
      expect(packet.toString('hex')).toBe(aeadSealPacket(key, counterNonce(BigInt(counter)), header, plaintext).toString('hex'));
      expect(aeadOpenPacket(key, counter, packet, header.length)?.toString()).toBe(plaintext.toString());
    }
  });

  test('open fails on a wrong counter, a changed header, ciphertext or tag, and never throws', () => {
    const packet = buildPacket();
    aeadSealPacketInPlace(key, 5, packet, header.length);
    expect(aeadOpenPacket(key, 6, packet, header.length)).toBeNull();
    for (const at of [0, header.length + 2, packet.length - 1]) {
      const bad = Buffer.from(packet);
      bad[at] ^= 1;
      expect(aeadOpenPacket(key, 5, bad, header.length)).toBeNull();
    }
    expect(aeadOpenPacket(key, 5, packet.subarray(0, 20), header.length)).toBeNull();
    expect(aeadOpenPacket(Buffer.alloc(16), 5, packet, header.length)).toBeNull();
    expect(aeadOpenPacket(key, -1, packet, header.length)).toBeNull();
    expect(aeadOpenPacket(key, 2 ** 53, packet, header.length)).toBeNull();
  });

  test('seal refuses a wrong key size, an unsafe counter or a packet without room for the tag', () => {
    expect(() => aeadSealPacketInPlace(Buffer.alloc(16), 0, buildPacket(), header.length)).toThrow(RangeError);
    expect(() => aeadSealPacketInPlace(key, 2 ** 53, buildPacket(), header.length)).toThrow(RangeError);
    expect(() => aeadSealPacketInPlace(key, 0, Buffer.alloc(20), header.length)).toThrow(RangeError);
  });
});
