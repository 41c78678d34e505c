import { hkdfSync } from 'node:crypto';
import { HKDF_SHA256_MAX_OUTPUT } from './constants';
import { hmacSha256 } from './hmac';

/** RFC 5869 HKDF-SHA256. Throws RangeError if `length` is not in 0..8160. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > HKDF_SHA256_MAX_OUTPUT) {
    throw new RangeError(`HKDF-SHA256 output length must be 0..${HKDF_SHA256_MAX_OUTPUT}, got ${length}.`);
  }
  if (length === 0) return Buffer.alloc(0);
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/**
 * Noise's HKDF (Noise spec, section 4.3): HMAC-based, with the chaining key as salt and no info.
 * Returns 2 or 3 outputs of 32 bytes each.
 */
export function noiseHkdf(chainingKey: Uint8Array, ikm: Uint8Array, numOutputs: 2 | 3): Buffer[] {
  const tempKey = hmacSha256(chainingKey, ikm);
  const output1 = hmacSha256(tempKey, Buffer.from([0x01]));
  const output2 = hmacSha256(tempKey, Buffer.concat([output1, Buffer.from([0x02])]));
  if (numOutputs === 2) {
    tempKey.fill(0);
    return [output1, output2];
  }
  const output3 = hmacSha256(tempKey, Buffer.concat([output2, Buffer.from([0x03])]));
  tempKey.fill(0);
  return [output1, output2, output3];
}
