// The bootstrap key: the shared secret (generated, or a human passphrase) that seals .sec files.
import { hkdfSync, randomBytes, scryptSync } from 'node:crypto';
import {
  GENERATED_KEY_BYTES,
  GENERATED_KEY_PREFIX,
  HKDF_INFO,
  MIN_PASSPHRASE_LENGTH,
  SCRYPT_MAXMEM,
  SCRYPT_N,
  SCRYPT_P,
  SCRYPT_R,
  SEC_KEY_BYTES,
} from './constants';
import { BootstrapKeyError } from './errors';

export type BootstrapKeyKind = 'generated' | 'passphrase';

/** 32 random bytes, base64url, prefixed with `ccbk1_` so it is recognised as generated. */
export function generateBootstrapKey(): string {
  return GENERATED_KEY_PREFIX + randomBytes(GENERATED_KEY_BYTES).toString('base64url');
}

/**
 * Surrounding whitespace is dropped: keys pasted from a terminal or read from a file often carry a
 * trailing newline, and a key that silently differs by one invisible character is a miserable bug.
 */
export function normalizeBootstrapKey(bootstrapKey: string): string {
  return bootstrapKey.trim();
}

export function bootstrapKeyKind(bootstrapKey: string): BootstrapKeyKind {
  return normalizeBootstrapKey(bootstrapKey).startsWith(GENERATED_KEY_PREFIX) ? 'generated' : 'passphrase';
}

/** Throws a BootstrapKeyError (one line for the user) when the key cannot be used. */
export function validateBootstrapKey(bootstrapKey: string): BootstrapKeyKind {
  const key = normalizeBootstrapKey(bootstrapKey);
  if (key.length === 0) {
    throw new BootstrapKeyError('EMPTY', 'the bootstrap key is empty — set CLAWCHAT_BOOTSTRAP_KEY to the key the relay printed');
  }
  if (bootstrapKeyKind(key) === 'generated') {
    decodeGeneratedKey(key);
    return 'generated';
  }
  if ([...key].length < MIN_PASSPHRASE_LENGTH) {
    throw new BootstrapKeyError(
      'PASSPHRASE_TOO_SHORT',
      `the bootstrap passphrase is too short — use at least ${MIN_PASSPHRASE_LENGTH} characters in CLAWCHAT_BOOTSTRAP_KEY`,
    );
  }
  return 'passphrase';
}

function decodeGeneratedKey(key: string): Buffer {
  const encoded = key.slice(GENERATED_KEY_PREFIX.length);
  const raw = Buffer.from(encoded, 'base64url');
  // Re-encoding must give the same text, otherwise characters were lost or mistyped.
  if (raw.length !== GENERATED_KEY_BYTES || raw.toString('base64url') !== encoded) {
    throw new BootstrapKeyError(
      'MALFORMED_GENERATED_KEY',
      `the bootstrap key starts with ${GENERATED_KEY_PREFIX} but is not a valid generated key — copy it again from the relay`,
    );
  }
  return raw;
}

/**
 * Derives the 32-byte AES key for one .sec file. Generated keys already have full entropy, so HKDF is
 * enough; passphrases are stretched with scrypt to make offline guessing expensive.
 */
export function deriveSecKey(bootstrapKey: string, salt: Buffer): Buffer {
  const key = normalizeBootstrapKey(bootstrapKey);
  if (validateBootstrapKey(key) === 'generated') {
    return Buffer.from(hkdfSync('sha256', decodeGeneratedKey(key), salt, HKDF_INFO, SEC_KEY_BYTES));
  }
  // NFC so the same passphrase typed on different systems (composed vs decomposed accents) matches.
  return scryptSync(Buffer.from(key.normalize('NFC'), 'utf8'), salt, SEC_KEY_BYTES, {
    N: SCRYPT_N,
    r: SCRYPT_R,
    p: SCRYPT_P,
    maxmem: SCRYPT_MAXMEM,
  });
}
