/** An X25519 public key that is low-order, malformed or yields an all-zero shared secret. Drop the packet. */
export class InvalidPublicKeyError extends Error {
  constructor(message = 'X25519 public key is invalid or low-order; drop the packet that carried it.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidPublicKeyError';
  }
}

export type NoiseErrorCode =
  | 'unknown-pattern' // the pattern name is not in the table
  | 'missing-key' // a key the pattern needs (s, rs, psk) was not supplied or has the wrong length
  | 'wrong-turn' // write when it is the peer's turn, read when it is ours
  | 'handshake-complete' // write/read after the last handshake message
  | 'handshake-failed' // any use after a previous failure: the handshake must be restarted
  | 'not-complete' // split() before the last handshake message
  | 'bad-length' // message too short or too long
  | 'decrypt-failed' // AEAD authentication failed
  | 'invalid-public-key' // low-order or otherwise invalid X25519 point
  | 'nonce-exhausted'; // CipherState reached the reserved nonce 2^64-1

/** Every failure of the Noise layer; `code` says which one so callers can count and drop. */
export class NoiseError extends Error {
  readonly code: NoiseErrorCode;
  constructor(code: NoiseErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NoiseError';
    this.code = code;
  }
}
