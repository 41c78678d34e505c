import { randomBytes } from 'node:crypto';
import { ID_PATTERN, MAX_ID_CHARS, NEW_ID_CHARS } from './constants';

/**
 * A fresh request id: NEW_ID_CHARS base64url characters from the CSPRNG. Ids double as idempotency
 * keys (a request resent after a reconnect with the same id is answered, not executed, again), so they
 * must not repeat across the client's lifetime; random ones need no persisted counter.
 */
export function newMessageId(): string {
  // 3 random bytes become 4 base64url characters, with no padding when the byte count is a multiple of 3.
  return randomBytes((NEW_ID_CHARS / 4) * 3).toString('base64url');
}

/** True when `value` is acceptable as an id / re / opaque token in the catalogue. */
export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_ID_CHARS && ID_PATTERN.test(value);
}
