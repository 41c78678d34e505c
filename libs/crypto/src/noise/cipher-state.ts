// Noise CipherState (Noise spec, section 5.1) over AES-256-GCM with the Noise AESGCM nonce layout.
import { aeadOpen, aeadSeal, counterNonce } from '../aead';
import { AEAD_KEY_LENGTH, NOISE_MAX_NONCE } from '../constants';
import { NoiseError } from '../errors';

const EMPTY = Buffer.alloc(0);

export class CipherState {
  private k: Buffer | null = null;
  private n = 0n;

  constructor(key?: Uint8Array) {
    if (key) this.initializeKey(key);
  }

  /** Set a new key (copied) and reset the nonce to 0. */
  initializeKey(key: Uint8Array | null): void {
    if (key && key.length !== AEAD_KEY_LENGTH) throw new RangeError(`CipherState key must be ${AEAD_KEY_LENGTH} bytes, got ${key.length}.`);
    this.k?.fill(0);
    this.k = key ? Buffer.from(key) : null;
    this.n = 0n;
  }

  hasKey(): boolean {
    return this.k !== null;
  }

  /**
   * The raw 32-byte key (the live buffer, not a copy), so a transport can use it with its own explicit
   * counters via aeadSeal/aeadOpen and counterNonce. null before a key is set.
   */
  get key(): Buffer | null {
    return this.k;
  }

  /** The nonce the next encrypt/decrypt will use. */
  get nonce(): bigint {
    return this.n;
  }

  setNonce(nonce: bigint): void {
    if (nonce < 0n || nonce > NOISE_MAX_NONCE) throw new RangeError(`Noise nonce must be 0..2^64-1, got ${nonce}.`);
    this.n = nonce;
  }

  /** Encrypt with the internal nonce, then advance it. Without a key the plaintext passes through (as Noise says). */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Buffer {
    if (!this.k) return Buffer.from(plaintext);
    this.assertNonceUsable();
    const ciphertext = aeadSeal(this.k, counterNonce(this.n), plaintext, ad);
    this.n += 1n;
    return ciphertext;
  }

  /** Decrypt with the internal nonce; throws NoiseError('decrypt-failed') and leaves the nonce unchanged on failure. */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Buffer {
    if (!this.k) return Buffer.from(ciphertext);
    this.assertNonceUsable();
    const plaintext = aeadOpen(this.k, counterNonce(this.n), ciphertext, ad);
    if (!plaintext) throw new NoiseError('decrypt-failed', 'Noise message failed authentication; drop it.');
    this.n += 1n;
    return plaintext;
  }

  /** Noise REKEY: the new key is the first 32 bytes of ENCRYPT(k, 2^64-1, empty, zeros). Nonce is kept. */
  rekey(): void {
    if (!this.k) return;
    const next = aeadSeal(this.k, counterNonce(NOISE_MAX_NONCE), Buffer.alloc(AEAD_KEY_LENGTH), EMPTY).subarray(0, AEAD_KEY_LENGTH);
    this.k.fill(0);
    this.k = Buffer.from(next);
  }

  /** Zero the key bytes; the state is unusable for encryption afterwards. */
  destroy(): void {
    this.k?.fill(0);
    this.k = null;
  }

  private assertNonceUsable(): void {
    if (this.n >= NOISE_MAX_NONCE) throw new NoiseError('nonce-exhausted', 'Noise nonce space is used up; rekey or start a new handshake.');
  }
}
