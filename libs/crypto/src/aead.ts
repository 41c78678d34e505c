// AES-GCM authenticated encryption on node:crypto. The protocol uses AES-256-GCM only (aeadSeal/aeadOpen);
// aesGcmSeal/aesGcmOpen also take 128/192-bit keys so the published vectors can exercise every key size.
import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH } from './constants';

function gcmAlgorithm(keyLength: number): CipherGCMTypes | null {
  switch (keyLength) {
    case 16:
      return 'aes-128-gcm';
    case 24:
      return 'aes-192-gcm';
    case 32:
      return 'aes-256-gcm';
    default:
      return null;
  }
}

/** AES-GCM encrypt with any AES key size and a 96-bit nonce; returns ciphertext || 16-byte tag. */
export function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  const algorithm = gcmAlgorithm(key.length);
  if (!algorithm) throw new RangeError(`AES-GCM key must be 16, 24 or 32 bytes, got ${key.length}.`);
  if (nonce.length !== AEAD_NONCE_LENGTH) throw new RangeError(`AES-GCM nonce must be ${AEAD_NONCE_LENGTH} bytes, got ${nonce.length}.`);
  const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  cipher.setAAD(ad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** AES-GCM decrypt; null on any failure (wrong sizes, short input, bad tag). Never throws: input is from the network. */
export function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, ciphertextAndTag: Uint8Array, ad: Uint8Array): Buffer | null {
  const algorithm = gcmAlgorithm(key.length);
  if (!algorithm || nonce.length !== AEAD_NONCE_LENGTH || ciphertextAndTag.length < AEAD_TAG_LENGTH) return null;
  const bodyLength = ciphertextAndTag.length - AEAD_TAG_LENGTH;
  try {
    const decipher = createDecipheriv(algorithm, key, nonce, { authTagLength: AEAD_TAG_LENGTH });
    decipher.setAAD(ad);
    decipher.setAuthTag(ciphertextAndTag.subarray(bodyLength));
    const body = decipher.update(ciphertextAndTag.subarray(0, bodyLength));
    // final() is where the tag is checked; release nothing before it succeeds. (GCM's final() yields
    // no bytes, so the common case avoids a copy.)
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch {
    return null;
  }
}

/** AES-256-GCM encrypt: returns ciphertext || 16-byte tag. Throws RangeError on wrong key/nonce size (a programming error). */
export function aeadSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Buffer {
  if (key.length !== AEAD_KEY_LENGTH) throw new RangeError(`AES-256-GCM key must be ${AEAD_KEY_LENGTH} bytes, got ${key.length}.`);
  return aesGcmSeal(key, nonce, plaintext, ad);
}

/** AES-256-GCM decrypt: plaintext, or null on any failure. */
export function aeadOpen(key: Uint8Array, nonce: Uint8Array, ciphertextAndTag: Uint8Array, ad: Uint8Array): Buffer | null {
  if (key.length !== AEAD_KEY_LENGTH) return null;
  return aesGcmOpen(key, nonce, ciphertextAndTag, ad);
}

/**
 * Seals a packet in one allocation: returns header || ciphertext || tag, with the header as the
 * associated data. This is the data path's hot spot, so it avoids the intermediate copies of aeadSeal.
 */
export function aeadSealPacket(key: Uint8Array, nonce: Uint8Array, header: Uint8Array, plaintext: Uint8Array): Buffer {
  if (key.length !== AEAD_KEY_LENGTH) throw new RangeError(`AES-256-GCM key must be ${AEAD_KEY_LENGTH} bytes, got ${key.length}.`);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_LENGTH });
  cipher.setAAD(header);
  const out = Buffer.allocUnsafe(header.length + plaintext.length + AEAD_TAG_LENGTH);
  out.set(header, 0);
  const body = cipher.update(plaintext);
  out.set(body, header.length);
  cipher.final();
  out.set(cipher.getAuthTag(), header.length + body.length);
  return out;
}

/** The nonce of the data path, rewritten for every packet: node copies the IV into the cipher context. */
const packetNonce = Buffer.alloc(AEAD_NONCE_LENGTH);
const GCM_OPTIONS = { authTagLength: AEAD_TAG_LENGTH } as const;

/** counterNonce for a counter held in a JS number, written into the shared scratch nonce (no BigInt). */
function packetCounterNonce(counter: number): Buffer {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`Nonce counter must be a safe non-negative integer, got ${counter}.`);
  packetNonce.writeUInt32BE(Math.floor(counter / 0x100000000), 4);
  packetNonce.writeUInt32BE(counter >>> 0, 8);
  return packetNonce;
}

/**
 * Seals a packet in the buffer it was built in: `packet` is header (the associated data, the first
 * `headerLength` bytes) || plaintext || 16 spare bytes. The plaintext is overwritten with the
 * ciphertext and the tag fills the spare bytes. The nonce is counterNonce(counter). Same result as
 * aeadSealPacket, without the header, nonce and output buffers it allocates.
 */
export function aeadSealPacketInPlace(key: Uint8Array, counter: number, packet: Buffer, headerLength: number): void {
  if (key.length !== AEAD_KEY_LENGTH) throw new RangeError(`AES-256-GCM key must be ${AEAD_KEY_LENGTH} bytes, got ${key.length}.`);
  const bodyEnd = packet.length - AEAD_TAG_LENGTH;
  if (headerLength < 0 || bodyEnd < headerLength) throw new RangeError('packet too short for its header and tag');
  const cipher = createCipheriv('aes-256-gcm', key, packetCounterNonce(counter), GCM_OPTIONS);
  cipher.setAAD(packet.subarray(0, headerLength));
  cipher.update(packet.subarray(headerLength, bodyEnd)).copy(packet, headerLength);
  cipher.final();
  cipher.getAuthTag().copy(packet, bodyEnd);
}

/**
 * Opens a sealed packet (header || ciphertext || tag, the header being the associated data) whose
 * nonce is counterNonce(counter): the plaintext, or null on any failure. Never throws.
 */
export function aeadOpenPacket(key: Uint8Array, counter: number, packet: Buffer, headerLength: number): Buffer | null {
  const bodyEnd = packet.length - AEAD_TAG_LENGTH;
  if (key.length !== AEAD_KEY_LENGTH || headerLength < 0 || bodyEnd < headerLength) return null;
  if (!Number.isSafeInteger(counter) || counter < 0) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, packetCounterNonce(counter), GCM_OPTIONS);
    decipher.setAAD(packet.subarray(0, headerLength));
    decipher.setAuthTag(packet.subarray(bodyEnd));
    const body = decipher.update(packet.subarray(headerLength, bodyEnd));
    // final() checks the tag; GCM yields no bytes from it.
    const rest = decipher.final();
    return rest.length === 0 ? body : Buffer.concat([body, rest]);
  } catch {
    return null;
  }
}

/** Noise's AESGCM nonce: 4 zero bytes then the 64-bit counter big-endian (Noise spec, section 12.4). */
export function counterNonce(counter: bigint): Buffer {
  if (counter < 0n || counter >= 1n << 64n) throw new RangeError(`Nonce counter must fit in 64 bits, got ${counter}.`);
  const nonce = Buffer.alloc(AEAD_NONCE_LENGTH);
  nonce.writeBigUInt64BE(counter, 4);
  return nonce;
}
