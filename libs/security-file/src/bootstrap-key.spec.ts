import { hkdfSync, randomBytes } from 'node:crypto';
import { bootstrapKeyKind, deriveSecKey, generateBootstrapKey, validateBootstrapKey } from './bootstrap-key';
import { BootstrapKeyError } from './errors';

const salt = Buffer.alloc(16, 7);

function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof BootstrapKeyError ? error.code : 'not a BootstrapKeyError';
  }
  return undefined;
}

describe('generateBootstrapKey', () => {
  it('is ccbk1_ followed by 43 base64url characters of 32 random bytes', () => {
    const key = generateBootstrapKey();
    expect(key).toMatch(/^ccbk1_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(6), 'base64url')).toHaveLength(32);
    expect(generateBootstrapKey()).not.toBe(key);
    expect(bootstrapKeyKind(key)).toBe('generated');
  });
});

describe('deriveSecKey', () => {
  it('uses HKDF-SHA256(raw, salt, "clawchat sec v1") for a generated key', () => {
    const raw = randomBytes(32);
    const key = 'ccbk1_' + raw.toString('base64url');
    const expected = Buffer.from(hkdfSync('sha256', raw, salt, 'clawchat sec v1', 32));
    expect(deriveSecKey(key, salt).equals(expected)).toBe(true);
  });

  it('depends on the salt and the key', () => {
    const key = generateBootstrapKey();
    const a = deriveSecKey(key, salt);
    expect(a).toHaveLength(32);
    expect(deriveSecKey(key, salt).equals(a)).toBe(true);
    expect(deriveSecKey(key, Buffer.alloc(16, 8)).equals(a)).toBe(false);
    expect(deriveSecKey(generateBootstrapKey(), salt).equals(a)).toBe(false);
  });

  it('ignores surrounding whitespace (a key read from a file ends with a newline)', () => {
    const key = generateBootstrapKey();
    expect(deriveSecKey(`  ${key}\n`, salt).equals(deriveSecKey(key, salt))).toBe(true);
  });

  it('stretches a passphrase with scrypt (deterministic, differs from HKDF of anything)', () => {
    const passphrase = 'correct horse battery staple';
    expect(bootstrapKeyKind(passphrase)).toBe('passphrase');
    const a = deriveSecKey(passphrase, salt);
    expect(a).toHaveLength(32);
    expect(deriveSecKey(passphrase, salt).equals(a)).toBe(true);
    expect(deriveSecKey(passphrase + '!', salt).equals(a)).toBe(false);
  });

  it('rejects a passphrase shorter than 12 characters, and accepts 12', () => {
    expect(errorCodeOf(() => deriveSecKey('elevenchars', salt))).toBe('PASSPHRASE_TOO_SHORT');
    expect(errorCodeOf(() => validateBootstrapKey('twelve chars'))).toBeUndefined();
    expect(errorCodeOf(() => validateBootstrapKey('   '))).toBe('EMPTY');
  });

  it('rejects a mangled generated key instead of treating it as a passphrase', () => {
    const key = generateBootstrapKey();
    expect(errorCodeOf(() => deriveSecKey(key.slice(0, -1), salt))).toBe('MALFORMED_GENERATED_KEY');
    expect(errorCodeOf(() => deriveSecKey(key + 'A', salt))).toBe('MALFORMED_GENERATED_KEY');
    expect(errorCodeOf(() => deriveSecKey(key.slice(0, 10) + '+' + key.slice(11), salt))).toBe('MALFORMED_GENERATED_KEY');
  });

  it('gives one-line messages that say what to do', () => {
    try {
      validateBootstrapKey('short');
      throw new Error('expected failure');
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain('CLAWCHAT_BOOTSTRAP_KEY');
    }
  });
});
