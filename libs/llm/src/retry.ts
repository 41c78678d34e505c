import {
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MAX_RETRY_AFTER_MS,
} from './constants';
import { AttemptFailure, failureToError, type ProviderFailure } from './failure';
import { sleep as abortableSleep } from './timers';

/**
 * OUR retry policy, the only one (both SDKs run with maxRetries: 0):
 *  - retry 429, 5xx, network errors and broken streams, with exponential backoff plus jitter, or exactly
 *    the wait the provider asked for (retry-after-ms, Retry-After in seconds or as an HTTP date);
 *  - at most `maxAttempts` attempts in all; a Retry-After beyond `maxRetryAfterMs` is not waited out;
 *  - never once a delta has been emitted: the person has already seen part of an answer, and a second
 *    attempt would produce a different one glued onto it. A failure after the first delta is reported
 *    as an error (FailoverChain follows the same rule and does not fail over either).
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  baseDelayMs: DEFAULT_BASE_DELAY_MS,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  policy.maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  return policy;
}

/** Anything with a case-insensitive `get`, like fetch's Headers. */
export interface HeaderLookup {
  get(name: string): string | null;
}

/** How long the provider asked us to wait, in ms; undefined when it did not say (or said nonsense). */
export function parseRetryAfterMs(headers: HeaderLookup | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  // OpenAI sends the more precise retry-after-ms beside retry-after; prefer it.
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Otherwise it must be an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would also
  // accept things like "-5".
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** Pure: whether to try again after `attemptsMade` attempts ended in `failure`, and after how long. */
export function decideRetry(
  failure: ProviderFailure,
  attemptsMade: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  if (!failure.retryable || attemptsMade >= policy.maxAttempts) return { retry: false };
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > policy.maxRetryAfterMs) return { retry: false };
    return { retry: true, delayMs: failure.retryAfterMs };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptsMade - 1));
  // "Equal jitter": never less than half the step (real backoff), randomised so clients spread out.
  return { retry: true, delayMs: Math.round(ceiling / 2 + random() * (ceiling / 2)) };
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  failure: ProviderFailure;
}

export interface StreamWithRetryOptions<T> {
  /** Runs one attempt; must throw AttemptFailure for failures the policy should judge. */
  attempt: (attemptNumber: number) => AsyncIterable<T>;
  /** True for an event after which the answer is committed (a delta): no retry from then on. */
  commits: (event: T) => boolean;
  policy: RetryPolicy;
  signal: AbortSignal;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

/** Yields the events of the first attempt that succeeds; throws a ProtocolError when the policy gives up. */
export async function* streamWithRetry<T>(options: StreamWithRetryOptions<T>): AsyncGenerator<T> {
  const wait = options.sleep ?? abortableSleep;
  for (let attemptNumber = 1; ; attemptNumber++) {
    let committed = false;
    try {
      for await (const event of options.attempt(attemptNumber)) {
        if (options.commits(event)) committed = true;
        yield event;
      }
      return;
    } catch (err) {
      if (!(err instanceof AttemptFailure)) throw err;
      if (committed) throw failureToError(err.failure, 1);
      const decision = decideRetry(err.failure, attemptNumber, options.policy, options.random);
      if (!decision.retry) throw failureToError(err.failure, attemptNumber);
      options.onRetry?.({ attempt: attemptNumber, delayMs: decision.delayMs, failure: err.failure });
      await wait(decision.delayMs, options.signal);
    }
  }
}
