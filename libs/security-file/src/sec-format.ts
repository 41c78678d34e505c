// The .sec envelope: a clear header (readable without the key, authenticated as AEAD associated data)
// followed by the AES-256-GCM sealed JSON body.
//
//  offset size  field
//   0      7    magic "CLAWSEC"
//   7      1    version (1)
//   8      8    expires-at, uint64 BE, ms since the epoch (same as body.expiresAt)
//  16      1    kdf: 0 = generated key (HKDF-SHA256), 1 = passphrase (scrypt)
//  17     16    salt
//  33     12    nonce
//  45      4    sealed length, uint32 BE (ciphertext + 16-byte tag)
//  49      n    ciphertext of the UTF-8 JSON body, then the tag
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bootstrapKeyKind, deriveSecKey } from './bootstrap-key';
import {
  CURRENT_SEC_FILE_NAME,
  HEADER_BYTES,
  KDF_GENERATED,
  KDF_SCRYPT,
  MAX_SEALED_BYTES,
  NONCE_BYTES,
  OFFSET_EXPIRES_AT,
  OFFSET_KDF,
  OFFSET_NONCE,
  OFFSET_SALT,
  OFFSET_SEALED_LENGTH,
  OFFSET_VERSION,
  SALT_BYTES,
  SEC_MAGIC,
  SEC_VERSION,
  TAG_BYTES,
} from './constants';
import { SecError, secErrorFor } from './errors';
import { findSecBodyProblem, type SecBody } from './sec-body';

export interface SecHeader {
  version: number;
  expiresAt: number;
}

interface ParsedHeader extends SecHeader {
  kdf: number;
  salt: Buffer;
  nonce: Buffer;
  associatedData: Buffer;
  sealed: Buffer;
}

/** Seals a validated body under a key derived from the bootstrap key with a fresh salt and nonce. */
export function sealSec(body: SecBody, bootstrapKey: string): Buffer {
  const problem = findSecBodyProblem(body);
  if (problem) throw new SecError('MALFORMED_BODY', `cannot write .sec: ${problem}`);
  return sealSecPayload(Buffer.from(JSON.stringify(body), 'utf8'), body.expiresAt, bootstrapKey);
}

/** Low-level sealing of arbitrary bytes. Exported for tests that need a well-sealed but invalid body. */
export function sealSecPayload(plaintext: Buffer, expiresAt: number, bootstrapKey: string): Buffer {
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const header = Buffer.alloc(HEADER_BYTES);
  SEC_MAGIC.copy(header, 0);
  header.writeUInt8(SEC_VERSION, OFFSET_VERSION);
  header.writeBigUInt64BE(BigInt(expiresAt), OFFSET_EXPIRES_AT);
  header.writeUInt8(bootstrapKeyKind(bootstrapKey) === 'generated' ? KDF_GENERATED : KDF_SCRYPT, OFFSET_KDF);
  salt.copy(header, OFFSET_SALT);
  nonce.copy(header, OFFSET_NONCE);
  header.writeUInt32BE(plaintext.length + TAG_BYTES, OFFSET_SEALED_LENGTH);

  const cipher = createCipheriv('aes-256-gcm', deriveSecKey(bootstrapKey, salt), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  return Buffer.concat([header, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** Reads version and expiry without the key (for a picker). Throws SecError on a broken file. */
export function readSecHeader(buf: Buffer, label: string = CURRENT_SEC_FILE_NAME): SecHeader {
  const { version, expiresAt } = parseHeader(buf, label);
  return { version, expiresAt };
}

/** Decrypts and validates a .sec file. Expiry is NOT checked here: only the relay's clock judges it. */
export function openSec(buf: Buffer, bootstrapKey: string, label: string = CURRENT_SEC_FILE_NAME): SecBody {
  const header = parseHeader(buf, label);
  const expectedKdf = bootstrapKeyKind(bootstrapKey) === 'generated' ? KDF_GENERATED : KDF_SCRYPT;
  if (header.kdf !== expectedKdf) {
    // Sealed with the other kind of key (or the byte was flipped): no need to run scrypt to know.
    throw secErrorFor('WRONG_KEY_OR_TAMPERED', label);
  }
  const plaintext = decrypt(header, deriveSecKey(bootstrapKey, header.salt), label);
  let body: unknown;
  try {
    body = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw secErrorFor('MALFORMED_BODY', label, 'not JSON');
  }
  const problem = findSecBodyProblem(body);
  if (problem) throw secErrorFor('MALFORMED_BODY', label, problem);
  const valid = body as SecBody;
  if (valid.expiresAt !== header.expiresAt) throw secErrorFor('MALFORMED_BODY', label, 'header and body disagree on expiry');
  return valid;
}

function decrypt(header: ParsedHeader, key: Buffer, label: string): Buffer {
  const ciphertext = header.sealed.subarray(0, header.sealed.length - TAG_BYTES);
  const tag = header.sealed.subarray(header.sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, header.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(header.associatedData);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from a modified file; both fail authentication.
    throw secErrorFor('WRONG_KEY_OR_TAMPERED', label);
  }
}

/**
 * Checks run in an order that gives the most useful error: magic first (is it ours at all?), then the
 * version (a newer format may have another layout), then lengths.
 */
function parseHeader(buf: Buffer, label: string): ParsedHeader {
  const magicSeen = buf.subarray(0, SEC_MAGIC.length);
  if (!magicSeen.equals(SEC_MAGIC.subarray(0, magicSeen.length))) throw secErrorFor('NOT_A_SEC_FILE', label);
  if (buf.length <= OFFSET_VERSION) throw secErrorFor('TRUNCATED', label, buf.length === 0 ? 'empty' : undefined);
  const version = buf.readUInt8(OFFSET_VERSION);
  if (version !== SEC_VERSION) throw secErrorFor('UNKNOWN_VERSION', label, `version ${version}, this build reads ${SEC_VERSION}`);
  if (buf.length < HEADER_BYTES) throw secErrorFor('TRUNCATED', label);

  const expiresAtBig = buf.readBigUInt64BE(OFFSET_EXPIRES_AT);
  const kdf = buf.readUInt8(OFFSET_KDF);
  const sealedLength = buf.readUInt32BE(OFFSET_SEALED_LENGTH);
  // These can only be wrong if the header was altered (or written by something that is not ClawChat).
  if (expiresAtBig > BigInt(Number.MAX_SAFE_INTEGER)) throw secErrorFor('WRONG_KEY_OR_TAMPERED', label, 'corrupt header');
  if (kdf !== KDF_GENERATED && kdf !== KDF_SCRYPT) throw secErrorFor('WRONG_KEY_OR_TAMPERED', label, 'corrupt header');
  if (sealedLength <= TAG_BYTES || sealedLength > MAX_SEALED_BYTES) {
    throw secErrorFor('WRONG_KEY_OR_TAMPERED', label, 'corrupt header');
  }
  const total = HEADER_BYTES + sealedLength;
  if (buf.length < total) throw secErrorFor('TRUNCATED', label);
  if (buf.length > total) throw secErrorFor('WRONG_KEY_OR_TAMPERED', label, 'extra bytes at the end');

  return {
    version,
    expiresAt: Number(expiresAtBig),
    kdf,
    salt: buf.subarray(OFFSET_SALT, OFFSET_SALT + SALT_BYTES),
    nonce: buf.subarray(OFFSET_NONCE, OFFSET_NONCE + NONCE_BYTES),
    associatedData: buf.subarray(0, HEADER_BYTES),
    sealed: buf.subarray(HEADER_BYTES, total),
  };
}
