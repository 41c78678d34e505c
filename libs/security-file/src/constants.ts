// Every constant the .sec credential and its issuer depend on, each with the reason for its value.

/** Marks a generated bootstrap key so it is never mistaken for (and stretched like) a passphrase. */
export const GENERATED_KEY_PREFIX = 'ccbk1_';
/** A generated bootstrap key carries 256 bits: the strength of the AES-256 key it derives. */
export const GENERATED_KEY_BYTES = 32;
/** A passphrase shorter than this is too easy to guess offline even behind scrypt. */
export const MIN_PASSPHRASE_LENGTH = 12;

/** HKDF "info" for generated keys: binds the derived key to this one use and format version. */
export const HKDF_INFO = 'clawchat sec v1';
/** scrypt cost: 2^15 costs ~100 ms and 32 MiB, the interactive-login setting recommended by RFC 7914 authors. */
export const SCRYPT_N = 2 ** 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
/** scrypt needs 128·N·r bytes (32 MiB); node's default cap is exactly 32 MiB, which is rejected, so allow double. */
export const SCRYPT_MAXMEM = 2 * 128 * SCRYPT_N * SCRYPT_R;
/** AES-256 key length. */
export const SEC_KEY_BYTES = 32;

/** File magic: lets a tool say "not a .sec file" rather than "wrong key". */
export const SEC_MAGIC = Buffer.from('CLAWSEC', 'ascii');
/** The only envelope version this code reads and writes. */
export const SEC_VERSION = 1;
/** kdf byte values in the clear header. */
export const KDF_GENERATED = 0;
export const KDF_SCRYPT = 1;
/** 128-bit salt: a fresh one per file, so one derived key never protects two files. */
export const SALT_BYTES = 16;
/** 96-bit nonce: the size AES-GCM is specified for; random is safe because every file has a fresh key. */
export const NONCE_BYTES = 12;
/** Full-length GCM tag; truncated tags weaken authentication. */
export const TAG_BYTES = 16;

// Clear header layout (all of it is the AEAD associated data).
export const OFFSET_VERSION = 7;
export const OFFSET_EXPIRES_AT = 8;
export const OFFSET_KDF = 16;
export const OFFSET_SALT = 17;
export const OFFSET_NONCE = OFFSET_SALT + SALT_BYTES; // 33
/** uint32 BE length of the sealed body, so a cut-off file reads as TRUNCATED, not as "wrong key". */
export const OFFSET_SEALED_LENGTH = OFFSET_NONCE + NONCE_BYTES; // 45
export const HEADER_BYTES = OFFSET_SEALED_LENGTH + 4; // 49
/** A real body is well under 2 KiB; a larger length field means a corrupt or hostile file. */
export const MAX_SEALED_BYTES = 64 * 1024;

/** Body field sizes (decoded bytes). */
export const RELAY_PUBLIC_KEY_BYTES = 32; // X25519 public key
export const TICKET_ID_BYTES = 16; // 128 bits: unguessable, and collisions never happen in practice
export const PSK_BYTES = 32; // Noise psk length
/** Body "v" and "protocol" values this code understands. */
export const SEC_BODY_VERSION = 1;
export const TRANSPORT_PROTOCOL_VERSION = 1;

/** The file the relay keeps current in CLAWCHAT_SECURITY_DIR. */
export const CURRENT_SEC_FILE_NAME = 'clawchat-current.sec';
/** Where a generated bootstrap key is kept (0600) when CLAWCHAT_BOOTSTRAP_KEY is not set. */
export const BOOTSTRAP_KEY_FILE_NAME = 'bootstrap.key';

/** Issuer timing (spec: valid 11 min, a new one every 10 min → 1 min overlap for a client mid-load). */
export const TICKET_VALIDITY_MS = 11 * 60_000;
export const TICKET_REGENERATE_EVERY_MS = 10 * 60_000;
/** How long a consumed/expired/revoked ticket id is remembered, so its error stays precise. */
export const TOMBSTONE_TTL_MS = 60 * 60_000;
/** Bound on remembered ids: at one per 10 min plus on-demand issues this is far beyond an hour's worth. */
export const MAX_TOMBSTONES = 4096;
