import { ProtocolError } from '@clawchat/protocol';
import { AttemptFailure, type ProviderFailure } from './failure';
import { decideRetry, parseRetryAfterMs, resolveRetryPolicy, streamWithRetry, type RetryPolicy } from './retry';

function headers(values: Record<string, string>): Headers {
  return new Headers(values);
}

const policy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 10_000 };
const transient: ProviderFailure = { code: 'PROVIDER_ERROR', message: 'x returned HTTP 503: busy', retryable: true };

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  test('reads seconds, including fractions and zero', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after': '1' }), now)).toBe(1_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': '0.25' }), now)).toBe(250);
    expect(parseRetryAfterMs(headers({ 'retry-after': '0' }), now)).toBe(0);
  });

  test('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
  });

  test('prefers retry-after-ms', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '1500.5', 'retry-after': '9' }), now)).toBe(1_501);
  });

  test('ignores absent or nonsensical values', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({}), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfterMs(headers({ 'retry-after': '-5' }), now)).toBeUndefined();
  });
});

describe('decideRetry', () => {
  test('never retries a non-retryable failure', () => {
    expect(decideRetry({ ...transient, retryable: false }, 1, policy)).toEqual({ retry: false });
  });

  test('stops after maxAttempts', () => {
    expect(decideRetry(transient, 2, policy).retry).toBe(true);
    expect(decideRetry(transient, 3, policy)).toEqual({ retry: false });
  });

  test('waits exactly what the provider asked, unless that is longer than we are willing to', () => {
    expect(decideRetry({ ...transient, retryAfterMs: 1_234 }, 1, policy, () => 0.9)).toEqual({ retry: true, delayMs: 1_234 });
    expect(decideRetry({ ...transient, retryAfterMs: 0 }, 1, policy)).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry({ ...transient, retryAfterMs: 10_001 }, 1, policy)).toEqual({ retry: false });
  });

  test('backs off exponentially with jitter between half and all of the step, capped', () => {
    const delay = (attempt: number, random: number) => {
      const d = decideRetry(transient, attempt, { ...policy, maxAttempts: 10 }, () => random);
      return d.retry ? d.delayMs : -1;
    };
    expect([delay(1, 0), delay(1, 1)]).toEqual([50, 100]);
    expect([delay(2, 0), delay(2, 1)]).toEqual([100, 200]);
    expect([delay(3, 0), delay(3, 1)]).toEqual([200, 400]);
    expect([delay(8, 0), delay(8, 1)]).toEqual([500, 1_000]);
  });

  test('resolveRetryPolicy keeps at least one attempt', () => {
    expect(resolveRetryPolicy({ maxAttempts: 0 }).maxAttempts).toBe(1);
    expect(resolveRetryPolicy().maxAttempts).toBe(3);
  });
});

describe('streamWithRetry', () => {
  type Step = 'ok' | ProviderFailure;

  /** Attempt n yields "a<n>" then fails or finishes per `steps[n-1]`; `beforeFail` yields before failing. */
  function scripted(steps: Step[], beforeFail = false) {
    let calls = 0;
    const attempt = async function* (n: number): AsyncGenerator<string> {
      calls++;
      const step = steps[n - 1];
      if (step === 'ok') {
        yield `a${n}`;
        return;
      }
      if (beforeFail) yield `partial${n}`;
      throw new AttemptFailure(step);
    };
    return { attempt, calls: () => calls };
  }

  async function run(steps: Step[], opts: { beforeFail?: boolean; signal?: AbortSignal; maxAttempts?: number } = {}) {
    const script = scripted(steps, opts.beforeFail);
    const sleeps: number[] = [];
    const events: string[] = [];
    let error: unknown;
    try {
      for await (const event of streamWithRetry({
        attempt: script.attempt,
        commits: (e: string) => e.startsWith('partial') || e.startsWith('a'),
        policy: { ...policy, maxAttempts: opts.maxAttempts ?? 3 },
        signal: opts.signal ?? new AbortController().signal,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0,
      })) {
        events.push(event);
      }
    } catch (err) {
      error = err;
    }
    return { events, sleeps, error, calls: script.calls() };
  }

  test('retries until an attempt succeeds, sleeping between attempts', async () => {
    const result = await run([transient, { ...transient, retryAfterMs: 700 }, 'ok']);
    expect(result.events).toEqual(['a3']);
    expect(result.sleeps).toEqual([50, 700]);
    expect(result.error).toBeUndefined();
  });

  test('gives up after maxAttempts with the last failure', async () => {
    const result = await run([transient, transient, transient]);
    expect(result.calls).toBe(3);
    expect(result.error).toBeInstanceOf(ProtocolError);
    expect((result.error as ProtocolError).code).toBe('PROVIDER_ERROR');
    expect((result.error as ProtocolError).message).toBe('x returned HTTP 503: busy (after 3 attempts)');
  });

  test('a rate limit that never clears becomes RATE_LIMITED naming the wait', async () => {
    const limited: ProviderFailure = { code: 'RATE_LIMITED', rateLimited: true, retryable: true, retryAfterMs: 2_500, message: 'x rate limit reached: slow down' };
    const result = await run([limited, limited, limited]);
    expect((result.error as ProtocolError).code).toBe('RATE_LIMITED');
    expect((result.error as ProtocolError).message).toBe('x rate limit reached: slow down; retry after 3 s');
  });

  test('never retries once an event committed the answer', async () => {
    const result = await run([transient, 'ok'], { beforeFail: true });
    expect(result.events).toEqual(['partial1']);
    expect(result.calls).toBe(1);
    expect((result.error as ProtocolError).message).toBe('x returned HTTP 503: busy');
  });

  test('lets errors that are not attempt failures through untouched (e.g. CANCELLED)', async () => {
    const cancelled = new ProtocolError('CANCELLED', 'request cancelled');
    const stream = streamWithRetry({
      attempt: async function* () {
        yield* [];
        throw cancelled;
      },
      commits: () => false,
      policy,
      signal: new AbortController().signal,
    });
    await expect(stream.next()).rejects.toBe(cancelled);
  });

  test('an abort during the backoff wait ends with CANCELLED without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const stream = streamWithRetry({
      attempt: async function* () {
        calls++;
        yield* [];
        throw new AttemptFailure({ ...transient, retryAfterMs: 5_000 });
      },
      commits: () => false,
      policy,
      signal: controller.signal,
      onRetry: () => setImmediate(() => controller.abort()),
    });
    await expect(stream.next()).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls).toBe(1);
  });
});
