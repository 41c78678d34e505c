import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MAX_PROVIDER_MESSAGE_CHARS } from './constants';
import type { ProviderFailure } from './failure';
import type { Redactor } from './redact';
import { parseRetryAfterMs, type HeaderLookup } from './retry';

/** Turns whatever an SDK (or fetch underneath it) threw into a ProviderFailure a person can act on. */

export interface FailureContext {
  /** Provider name as configured, e.g. "openai". */
  provider: string;
  /** host[:port] of the endpoint, never the full URL (it could carry credentials). */
  host: string;
  /** Environment variable holding the key, named in 401/403 messages. */
  keyVariable?: string;
  nowMs: number;
  /**
   * Scrubs keys from the provider's words BEFORE they are cut to length: a key cut in half by the
   * cut would no longer match the configured key and would leak its first part.
   */
  redact: Redactor;
}

// Low-level codes that mean "the network, not the provider, failed" (node net + undici).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
const NETWORK_MESSAGES = ['terminated', 'fetch failed', 'other side closed', 'socket hang up'];

function oneLine(text: string, redact: Redactor): string {
  const flat = redact(text.replace(/\s+/g, ' ').trim());
  return flat.length > MAX_PROVIDER_MESSAGE_CHARS ? `${flat.slice(0, MAX_PROVIDER_MESSAGE_CHARS)}…` : flat;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The provider's own words: OpenAI puts them at error.message, Anthropic at error.error.message. */
function providerMessage(error: unknown, fallback: string, redact: Redactor): string {
  const nested = field(field(error, 'error'), 'message');
  if (typeof nested === 'string' && nested) return oneLine(nested, redact);
  const direct = field(error, 'message');
  if (typeof direct === 'string' && direct) return oneLine(direct, redact);
  return oneLine(fallback, redact);
}

/** Walks err.cause looking for a network error code or a telltale message; returns a short detail. */
function networkDetail(err: unknown, redact: Redactor): string | undefined {
  let current: unknown = err;
  const seen: string[] = [];
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = field(current, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const message = field(current, 'message');
    if (typeof message === 'string') seen.push(message);
    current = field(current, 'cause');
  }
  const hit = seen.find((m) => NETWORK_MESSAGES.some((n) => m.toLowerCase().includes(n)));
  return hit ? oneLine(hit, redact) : undefined;
}

type ApiErrorLike = { status: number | undefined; headers: HeaderLookup | undefined; error: unknown; message: string };

function isApiError(err: unknown): err is ApiErrorLike {
  return err instanceof OpenAI.APIError || err instanceof Anthropic.APIError;
}

function isConnectionTimeout(err: unknown): boolean {
  return err instanceof OpenAI.APIConnectionTimeoutError || err instanceof Anthropic.APIConnectionTimeoutError;
}

function isConnectionError(err: unknown): boolean {
  return err instanceof OpenAI.APIConnectionError || err instanceof Anthropic.APIConnectionError;
}

function httpFailure(err: ApiErrorLike, status: number, ctx: FailureContext): ProviderFailure {
  const message = providerMessage(err.error, err.message, ctx.redact);
  const retryAfterMs = parseRetryAfterMs(err.headers, ctx.nowMs);
  if (status === 429) {
    return { code: 'RATE_LIMITED', rateLimited: true, retryable: true, retryAfterMs, message: `${ctx.provider} rate limit reached: ${message}` };
  }
  const base = `${ctx.provider} returned HTTP ${status}: ${message}`;
  if (status === 401 || status === 403) {
    const hint = ctx.keyVariable ? `; check ${ctx.keyVariable}` : '';
    return { code: 'PROVIDER_ERROR', retryable: false, message: `${base}${hint}` };
  }
  // 408/409 are transient by definition; 5xx (and Anthropic's 529 "overloaded") are the provider's trouble.
  const retryable = status === 408 || status === 409 || status >= 500;
  return { code: 'PROVIDER_ERROR', retryable, retryAfterMs: retryable ? retryAfterMs : undefined, message: base };
}

export function classifySdkError(err: unknown, ctx: FailureContext): ProviderFailure {
  if (isConnectionTimeout(err)) {
    return { code: 'TIMEOUT', retryable: false, message: `${ctx.provider} at ${ctx.host} did not respond in time` };
  }
  if (isConnectionError(err)) {
    const detail = networkDetail(err, ctx.redact) ?? 'connection error';
    return { code: 'PROVIDER_ERROR', retryable: true, message: `cannot reach ${ctx.provider} at ${ctx.host} (${detail})` };
  }
  if (isApiError(err)) {
    if (typeof err.status === 'number') return httpFailure(err, err.status, ctx);
    // No status: an error event inside a 200 stream (Anthropic `event: error`, OpenAI `data: {"error":…}`),
    // typically "overloaded"; worth another attempt as long as nothing was shown yet.
    return { code: 'PROVIDER_ERROR', retryable: true, message: `${ctx.provider} stream error: ${providerMessage(err.error, err.message, ctx.redact)}` };
  }
  const detail = networkDetail(err, ctx.redact);
  if (detail) {
    return { code: 'PROVIDER_ERROR', retryable: true, message: `connection to ${ctx.provider} at ${ctx.host} was lost (${detail})` };
  }
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'PROVIDER_ERROR', retryable: false, message: `unexpected error from ${ctx.provider}: ${oneLine(text, ctx.redact)}` };
}
