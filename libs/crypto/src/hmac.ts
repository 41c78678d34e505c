import { createHmac, timingSafeEqual } from 'node:crypto';
import { HMAC_MIN_TAG_LENGTH } from './constants';

export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * Constant-time check of an HMAC-SHA256 tag. A tag shorter than 32 bytes is compared against the
 * prefix of the full MAC (truncated HMAC, RFC 2104 section 5); tags under 16 bytes are refused as too weak.
 */
export function verifyHmacSha256(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
  const full = hmacSha256(key, data);
  if (tag.length < HMAC_MIN_TAG_LENGTH || tag.length > full.length) return false;
  return timingSafeEqual(full.subarray(0, tag.length), tag);
}
