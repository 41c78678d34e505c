/** Building the rejection value of `ClientConnection.request` (an Error with a catalogue code). */
import type { RequestError } from './types';

export function makeRequestError(code: string, message: string, extra: { retryAfterMs?: number } = {}): RequestError {
  return Object.assign(new Error(message), { code }, extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {});
}
