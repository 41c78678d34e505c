import { ProtocolError } from '@clawchat/protocol';
import { DEFAULT_IDLE_TIMEOUT_MS } from './constants';
import { AttemptFailure } from './failure';
import { createRedactor, type Redactor } from './redact';
import { resolveRetryPolicy, streamWithRetry, type RetryInfo, type RetryPolicy } from './retry';
import { classifySdkError } from './sdk-errors';
import { cancelledError, IdleTimer } from './timers';
import type { StreamEvent, StreamRequest } from './types';

/**
 * The shared engine of every network provider: one place that applies the idle timeout, cancellation,
 * our retry policy, error classification and key redaction around an SDK call.
 */

/** Options every network provider accepts (config.ts fills them; tests shrink the timings). */
export interface ProviderRuntimeOptions {
  retry?: Partial<RetryPolicy>;
  /** Longest silence before the first piece and between pieces; default 60 s. */
  idleTimeoutMs?: number;
  /** Further secrets to scrub from error messages (every key configured in the environment). */
  secrets?: readonly string[];
  /** Called before each retry's wait (for a log line; the message is already redacted). */
  onRetry?: (info: RetryInfo & { provider: string }) => void;
}

/** What one attempt needs from its SDK adapter. */
export interface AttemptContext {
  signal: AbortSignal;
  /** Call on every chunk received, even ones that carry no text: it feeds the idle timer. */
  touch: () => void;
}

export interface SdkStreamSpec {
  provider: string;
  model: string;
  host: string;
  keyVariable?: string;
  /** Sends the request and yields our events; ends with a done event or throws. */
  open: (request: StreamRequest, attempt: AttemptContext) => AsyncIterable<StreamEvent>;
}

export interface ResolvedRuntime {
  policy: RetryPolicy;
  idleTimeoutMs: number;
  redact: Redactor;
  onRetry?: ProviderRuntimeOptions['onRetry'];
}

export function resolveRuntime(options: ProviderRuntimeOptions, ownKey: string | undefined): ResolvedRuntime {
  return {
    policy: resolveRetryPolicy(options.retry),
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    redact: createRedactor([ownKey, ...(options.secrets ?? [])]),
    onRetry: options.onRetry,
  };
}

async function* runAttempt(spec: SdkStreamSpec, runtime: ResolvedRuntime, request: StreamRequest): AsyncGenerator<StreamEvent> {
  // Our own controller: aborted by the caller's signal, by the idle timer, or when the consumer stops
  // early (finally below), and in every case the SDK closes the HTTP connection.
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort();
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  const idle = new IdleTimer(runtime.idleTimeoutMs, () => controller.abort());
  try {
    for await (const event of spec.open(request, { signal: controller.signal, touch: () => idle.reset() })) {
      // The consumer's own pace is not the provider's silence: pause the watchdog while we are suspended.
      idle.stop();
      yield event;
      idle.reset();
    }
    // The SDKs end iteration quietly when their signal aborts; that is not a finished answer.
    if (controller.signal.aborted) throw new Error('aborted');
  } catch (err) {
    if (request.signal.aborted) throw cancelledError();
    if (idle.hasFired) {
      const seconds = Math.round(runtime.idleTimeoutMs / 100) / 10;
      throw new AttemptFailure({
        code: 'TIMEOUT',
        // Not retried: a provider that stayed silent this long would likely make the person wait again.
        retryable: false,
        message: `${spec.provider} at ${spec.host} sent nothing for ${seconds} s`,
      });
    }
    if (err instanceof AttemptFailure || err instanceof ProtocolError) throw err;
    throw new AttemptFailure(classifySdkError(err, { provider: spec.provider, host: spec.host, keyVariable: spec.keyVariable, nowMs: Date.now(), redact: runtime.redact }));
  } finally {
    idle.stop();
    request.signal.removeEventListener('abort', onCallerAbort);
    controller.abort();
  }
}

/** Streams one request through `spec` with retries; every error leaves as a redacted ProtocolError. */
export async function* runSdkStream(spec: SdkStreamSpec, runtime: ResolvedRuntime, request: StreamRequest): AsyncGenerator<StreamEvent> {
  try {
    if (request.signal.aborted) throw cancelledError();
    yield* streamWithRetry({
      attempt: () => runAttempt(spec, runtime, request),
      commits: (event) => event.kind === 'delta',
      policy: runtime.policy,
      signal: request.signal,
      onRetry: runtime.onRetry
        ? (info) => runtime.onRetry?.({ ...info, failure: { ...info.failure, message: runtime.redact(info.failure.message) }, provider: spec.provider })
        : undefined,
    });
  } catch (err) {
    if (err instanceof ProtocolError) throw new ProtocolError(err.code, runtime.redact(err.message));
    const text = err instanceof Error ? err.message : String(err);
    throw new ProtocolError('PROVIDER_ERROR', runtime.redact(`unexpected error from ${spec.provider}: ${text}`));
  }
}

/** host[:port] of a base URL, without credentials or path, for messages. */
export function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return 'an invalid URL';
  }
}
