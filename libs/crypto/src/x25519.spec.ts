import { InvalidPublicKeyError } from './errors';
import { hex, loadVectorFile, type WycheproofFile, type WycheproofResult } from './testing/vectors';
import { generateX25519KeyPair, x25519, x25519PublicFromPrivate } from './x25519';

interface XdhTest {
  tcId: number;
  flags: string[];
  public: string;
  private: string;
  shared: string;
  result: WycheproofResult;
}

const file = loadVectorFile<WycheproofFile<{ curve: string; tests: XdhTest[] }>>('wycheproof/x25519_test.json');
const cases = file.testGroups.flatMap((group) => group.tests);
const ZERO_SHARED = '00'.repeat(32);

/**
 * Our policy for 'acceptable' cases, by flag:
 * - LowOrderPublic / ZeroSharedSecret (shared secret all zero): REJECT with InvalidPublicKeyError.
 * - NonCanonicalPublic, Twist, SmallPublicKey, SpecialPublicKey, EdgeCase*: ACCEPT and compute per
 *   RFC 7748 (high bit masked, u reduced mod p); the result must equal the vector's shared secret.
 */
const REJECT_FLAGS = ['LowOrderPublic', 'ZeroSharedSecret'];
function expectRejected(test: XdhTest): boolean {
  return test.flags.some((flag) => REJECT_FLAGS.includes(flag));
}

describe('Wycheproof x25519_test.json', () => {
  test('every case is counted and the flag policy matches the data', () => {
    console.log(`X25519 cases run: ${cases.length} (rejected by policy: ${cases.filter(expectRejected).length})`);
    expect(cases.length).toBe(file.numberOfTests);
    // The flags that we reject on are exactly the cases whose shared secret is all zero.
    for (const test of cases) expect(expectRejected(test)).toBe(test.shared === ZERO_SHARED);
    // No 'valid' case is one we reject.
    expect(cases.filter((test) => test.result === 'valid' && expectRejected(test))).toEqual([]);
  });

  test.each(cases.map((test) => [test.tcId, test.result, test.flags.join(','), test] as const))('tcId %i (%s, %s)', (_id, _result, _flags, test) => {
    const run = () => x25519(hex(test.private), hex(test.public));
    if (expectRejected(test)) {
      expect(run).toThrow(InvalidPublicKeyError);
    } else {
      expect(run().toString('hex')).toBe(test.shared);
    }
  });
});

describe('x25519 helpers', () => {
  test('a low-order point throws InvalidPublicKeyError and the process carries on', () => {
    const { privateKey } = generateX25519KeyPair();
    // u = 1 has order 4 (small subgroup); u = 0 has order 1.
    const lowOrder = Buffer.alloc(32);
    lowOrder[0] = 1;
    expect(() => x25519(privateKey, lowOrder)).toThrow(InvalidPublicKeyError);
    expect(() => x25519(privateKey, Buffer.alloc(32))).toThrow(InvalidPublicKeyError);
    expect(() => x25519(privateKey, Buffer.alloc(31, 9))).toThrow(InvalidPublicKeyError);
    const peer = generateX25519KeyPair();
    expect(x25519(privateKey, peer.publicKey)).toHaveLength(32);
  });

  test('generated pairs agree and the public key derives from the private key', () => {
    const a = generateX25519KeyPair();
    const b = generateX25519KeyPair();
    expect(x25519PublicFromPrivate(a.privateKey)).toEqual(a.publicKey);
    expect(x25519(a.privateKey, b.publicKey)).toEqual(x25519(b.privateKey, a.publicKey));
  });

  test('a private key of the wrong size is a programming error (RangeError)', () => {
    expect(() => x25519(Buffer.alloc(31), generateX25519KeyPair().publicKey)).toThrow(RangeError);
  });
});
