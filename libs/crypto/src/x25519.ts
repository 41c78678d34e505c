// X25519 (RFC 7748) on node:crypto KeyObjects. Raw 32-byte keys are wrapped in fixed DER headers
// (PKCS#8 / SPKI with OID 1.3.101.110) because node cannot import raw X25519 keys directly.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { X25519_KEY_LENGTH } from './constants';
import { InvalidPublicKeyError } from './errors';

export interface X25519KeyPair {
  publicKey: Buffer;
  privateKey: Buffer;
}

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/**
 * Imported private keys, by the buffer that holds them: importing (PKCS#8 parsing) costs more than the
 * curve operation itself, and the same keys are used again and again (the relay's static key in every
 * handshake, an ephemeral key for two or three DHs). An entry lives exactly as long as its buffer.
 */
const importedPrivateKeys = new WeakMap<Uint8Array, KeyObject>();

function privateKeyObject(privateKey: Uint8Array): KeyObject {
  const cached = importedPrivateKeys.get(privateKey);
  if (cached) return cached;
  const imported = importPrivateKey(privateKey);
  importedPrivateKeys.set(privateKey, imported);
  return imported;
}

function importPrivateKey(privateKey: Uint8Array): KeyObject {
  if (privateKey.length !== X25519_KEY_LENGTH) {
    throw new RangeError(`X25519 private key must be ${X25519_KEY_LENGTH} bytes, got ${privateKey.length}.`);
  }
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
}

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

/**
 * A fresh key pair (every handshake makes one). The keys come out of the generation job already
 * encoded as JWK: exporting a KeyObject that generateKeyPairSync returned can deadlock node 20 — the
 * export holds the key's mutex while allocating, a garbage collection then runs the finished
 * generation job's destructor, which takes the same mutex (seen as a hung benchmark worker; gdb showed
 * ~KeyGenJob waiting inside ExportJWKEdKey). Encoding inside the job, while it is still referenced,
 * and importing the JWK (which makes no job) never takes that path. JWK, not DER: importing a PKCS#8
 * key costs ten times more.
 */
export function generateX25519KeyPair(): X25519KeyPair {
  const { privateKey: jwk } = generateKeyPairSync('x25519', {
    publicKeyEncoding: { type: 'spki', format: 'jwk' },
    privateKeyEncoding: { type: 'pkcs8', format: 'jwk' },
  }) as unknown as { privateKey: JsonWebKey }; // @types/node 20 has no overload for JWK output
  const raw = Buffer.from(jwk.d as string, 'base64url');
  importedPrivateKeys.set(raw, createPrivateKey({ key: jwk, format: 'jwk' }));
  return { publicKey: Buffer.from(jwk.x as string, 'base64url'), privateKey: raw };
}

export function x25519PublicFromPrivate(privateKey: Uint8Array): Buffer {
  return rawPublicKey(createPublicKey(privateKeyObject(privateKey)));
}

/**
 * X25519(privateKey, publicKey). The public key comes from the network, so any problem with it
 * (wrong length, low order, all-zero shared secret) throws InvalidPublicKeyError for the caller to drop.
 * Non-canonical public keys (u >= p, high bit set) are accepted and reduced as RFC 7748 prescribes.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Buffer {
  // A zeroed buffer (a key erased after use) must never reach a cached import of its old value.
  if (privateKey.every((byte) => byte === 0)) throw new RangeError('X25519 private key was erased.');
  const privateObject = privateKeyObject(privateKey);
  if (publicKey.length !== X25519_KEY_LENGTH) {
    throw new InvalidPublicKeyError(`X25519 public key must be ${X25519_KEY_LENGTH} bytes, got ${publicKey.length}; drop the packet.`);
  }
  let shared: Buffer;
  try {
    // JWK import is about twenty times cheaper than DER for a raw X25519 public key.
    const publicObject = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
    shared = diffieHellman({ privateKey: privateObject, publicKey: publicObject });
  } catch (cause) {
    // OpenSSL refuses to derive an all-zero secret, which is exactly the low-order case.
    throw new InvalidPublicKeyError(undefined, { cause });
  }
  // Belt and braces in case a future OpenSSL stops checking: an all-zero secret gives no secrecy.
  if (shared.every((byte) => byte === 0)) throw new InvalidPublicKeyError();
  return shared;
}
