// Every constant the crypto library depends on, with the reason for its value.

/** AES-256-GCM key length: Noise's AESGCM cipher is defined with 256-bit keys. */
export const AEAD_KEY_LENGTH = 32;
/** GCM nonce length: 96 bits is the only IV size GCM uses without an extra GHASH pass (and what Noise uses). */
export const AEAD_NONCE_LENGTH = 12;
/** GCM tag length: the full 128-bit tag; truncated tags weaken forgery resistance. */
export const AEAD_TAG_LENGTH = 16;

/** X25519 private keys, public keys and shared secrets are all 32 bytes (RFC 7748). */
export const X25519_KEY_LENGTH = 32;

/** SHA-256 output length; this is Noise's HASHLEN for the SHA256 hash function. */
export const SHA256_LENGTH = 32;
/** HKDF-SHA256 can produce at most 255 blocks of hash output (RFC 5869, section 2.3). */
export const HKDF_SHA256_MAX_OUTPUT = 255 * SHA256_LENGTH;
/** Shortest truncated HMAC tag we will verify: 128 bits keeps forgery odds at 2^-128. */
export const HMAC_MIN_TAG_LENGTH = 16;

/** Noise limits every handshake and transport message to 65535 bytes (Noise spec, section 3). */
export const NOISE_MAX_MESSAGE_LENGTH = 65535;
/** Noise pre-shared keys are exactly 32 bytes (Noise spec, section 9). */
export const NOISE_PSK_LENGTH = 32;
/** Nonce 2^64-1 is reserved by Noise (used by REKEY), so a CipherState may use 0 .. 2^64-2. */
export const NOISE_MAX_NONCE = (1n << 64n) - 1n;
/** The DH, cipher and hash names of every protocol this library speaks. */
export const NOISE_SUITE_SUFFIX = '25519_AESGCM_SHA256';

/** Replay window words are 64 bits, as in WireGuard's replay filter. */
export const REPLAY_WORD_BITS = 64;
/** 64 words make a 4096-bit ring; one word is always being recycled, so 4032 counters are tracked. */
export const REPLAY_RING_WORDS = 64;
/** Counters older than the newest by more than this are rejected: (64 - 1) * 64 = 4032 (>= 2048 required). */
export const REPLAY_WINDOW_SIZE = (REPLAY_RING_WORDS - 1) * REPLAY_WORD_BITS;
/** Transport counters are 64-bit on the wire; anything at or above 2^64 cannot be genuine. */
export const REPLAY_COUNTER_LIMIT = 1n << 64n;
