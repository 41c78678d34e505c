import { ProtocolError, type ErrorCode } from '@clawchat/protocol';

/**
 * What went wrong with one attempt, already phrased for a person. The retry policy reads `retryable`
 * and `retryAfterMs`; when it gives up, the failure becomes a ProtocolError.
 */
export interface ProviderFailure {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** Set when the provider said how long to wait (Retry-After / retry-after-ms). */
  retryAfterMs?: number;
  /** 429: becomes RATE_LIMITED when retries run out, with the wait named. */
  rateLimited?: boolean;
}

/** Thrown by one attempt so the retry loop can decide without re-classifying. */
export class AttemptFailure extends Error {
  constructor(readonly failure: ProviderFailure) {
    super(failure.message);
    this.name = 'AttemptFailure';
  }
}

export function describeWait(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

/** The error a person finally sees once retries are over (or were never allowed). */
export function failureToError(failure: ProviderFailure, attempts: number): ProtocolError {
  if (failure.rateLimited) {
    const wait = failure.retryAfterMs !== undefined ? `retry after ${describeWait(failure.retryAfterMs)}` : 'try again later';
    return new ProtocolError('RATE_LIMITED', `${failure.message}; ${wait}`);
  }
  const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return new ProtocolError(failure.code, `${failure.message}${suffix}`);
}
