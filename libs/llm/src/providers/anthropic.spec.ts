import { providersFromEnv } from '../config';
import { ANTHROPIC_DEFAULT_MODEL } from '../constants';
import { anthropicCutAfter, anthropicError, anthropicHang, anthropicStream, anthropicStreamError, anthropicTruncated } from '../test-support/anthropic-wire';
import { chatRequest, collect, TEST_KEY } from '../test-support/collect';
import { closedPortOrigin, cutConnection, deferred, FakeHttpServer, startSse } from '../test-support/fake-http';
import type { Provider } from '../types';
import { toAnthropicRequest } from './anthropic';

const FAST = { retry: { baseDelayMs: 10, maxDelayMs: 40 }, idleTimeoutMs: 3_000 };

describe('anthropic provider through the Anthropic SDK', () => {
  let fake: FakeHttpServer;
  let provider: Provider;

  beforeEach(async () => {
    fake = await FakeHttpServer.start();
    provider = providersFromEnv({ CLAWCHAT_LLM_PROVIDER: 'anthropic:claude-test', ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: fake.origin }, FAST);
  });
  afterEach(() => fake.stop());

  function expectKeyUsedButNeverShown(message: string | undefined): void {
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) {
      // SDK 1.x sends the key as "Authorization: Bearer"; older releases used x-api-key. Either proves it was used.
      const sent = request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '');
      expect(sent).toBe(TEST_KEY);
    }
    expect(message ?? '').not.toContain(TEST_KEY);
  }

  test('streams text_delta events as deltas, then done with usage from message_start/message_delta', async () => {
    fake.reply(anthropicStream(['Hel', 'lo', '!'], { input: 31, output: 9 }));
    const result = await collect(provider.stream(chatRequest({ maxTokens: 123 })));

    expect(result.error).toBeUndefined();
    expect(result.deltas).toEqual(['Hel', 'lo', '!']);
    expect(result.done).toEqual({ kind: 'done', provider: 'anthropic', model: 'claude-test', usage: { inputTokens: 31, outputTokens: 9 } });
    const [request] = fake.requests;
    expect(request.url).toBe('/v1/messages');
    expect(request.headers['anthropic-version']).toBeDefined();
    expect(request.body).toEqual({
      model: 'claude-test',
      max_tokens: 123,
      stream: true,
      system: 'You are a test assistant.',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expectKeyUsedButNeverShown(undefined);
  });

  test('max_tokens is always sent (Anthropic requires it)', async () => {
    fake.reply(anthropicStream(['x']));
    await collect(provider.stream(chatRequest()));
    expect(fake.requests[0].body).toMatchObject({ max_tokens: 8192 });
  });

  test('the default model is one the SDK does not warn about as deprecated', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      provider = providersFromEnv({ ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: fake.origin }, FAST);
      fake.reply(anthropicStream(['x']));
      const result = await collect(provider.stream(chatRequest()));
      expect(result.done?.model).toBe(ANTHROPIC_DEFAULT_MODEL);
      expect(fake.requests[0].body).toMatchObject({ model: ANTHROPIC_DEFAULT_MODEL });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test("an error body becomes PROVIDER_ERROR with Anthropic's own message, key scrubbed", async () => {
    fake.reply(anthropicError(400, 'invalid_request_error', `model: claude-test not found for key ${TEST_KEY}`));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toBe('anthropic returned HTTP 400: model: claude-test not found for key [REDACTED]');
    expect(fake.requests).toHaveLength(1);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('401 names the variable to check', async () => {
    fake.reply(anthropicError(401, 'authentication_error', 'invalid x-api-key'));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.message).toBe('anthropic returned HTTP 401: invalid x-api-key; check ANTHROPIC_API_KEY');
  });

  test('429 with Retry-After: 1 is retried after about a second, then succeeds', async () => {
    fake.reply(anthropicError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': '1' }), anthropicStream(['ok']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['ok']);
    expect(fake.requests).toHaveLength(2);
    const gap = fake.requests[1].receivedAt - fake.requests[0].receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3_000);
    expectKeyUsedButNeverShown(undefined);
  });

  test('429 with Retry-After: 0 is retried at once', async () => {
    fake.reply(anthropicError(429, 'rate_limit_error', 'slow down', { 'retry-after': '0' }), anthropicStream(['ok']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['ok']);
    expect(fake.requests).toHaveLength(2);
  });

  test('429 on every attempt ends as RATE_LIMITED with the retry-after', async () => {
    const date = new Date(Date.now() + 1_000).toUTCString(); // HTTP-date form, about a second away
    fake.replyAlways(anthropicError(429, 'rate_limit_error', 'Number of requests has exceeded your rate limit', { 'retry-after': date }));
    const result = await collect(provider.stream(chatRequest({})));
    expect(result.error?.code).toBe('RATE_LIMITED');
    expect(result.error?.message).toMatch(/^anthropic rate limit reached: Number of requests has exceeded your rate limit; retry after \d s$/);
    expect(fake.requests).toHaveLength(3);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('529 overloaded is retried', async () => {
    fake.reply(anthropicError(529, 'overloaded_error', 'Overloaded'), anthropicStream(['back']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['back']);
    expect(fake.requests).toHaveLength(2);
  });

  test('event: error before any text is retried', async () => {
    fake.reply(anthropicStreamError([], 'overloaded_error', 'Overloaded'), anthropicStream(['recovered']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['recovered']);
    expect(fake.requests).toHaveLength(2);
  });

  test('event: error after text is PROVIDER_ERROR with the message, not retried', async () => {
    fake.reply(anthropicStreamError(['Part'], 'overloaded_error', 'Overloaded'));
    fake.replyAlways(anthropicStream(['never']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['Part']);
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toBe('anthropic stream error: Overloaded');
    expect(fake.requests).toHaveLength(1);
  });

  test('a stream cut mid-answer is an error', async () => {
    const release = deferred();
    fake.reply(anthropicCutAfter(['Half'], release.promise));
    const result = await collect(provider.stream(chatRequest()), () => release.resolve());
    expect(result.deltas).toEqual(['Half']);
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain(`connection to anthropic at 127.0.0.1:${fake.port} was lost`);
    expect(fake.requests).toHaveLength(1);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('a stream cut before any text is retried', async () => {
    fake.reply(({ res }) => {
      startSse(res);
      cutConnection(res);
    }, anthropicStream(['again']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['again']);
    expect(fake.requests).toHaveLength(2);
  });

  test('a stream without message_stop is incomplete', async () => {
    fake.reply(anthropicTruncated(['Only']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['Only']);
    expect(result.error?.message).toBe('anthropic stream ended before the answer was complete');
  });

  test('cancelling mid-stream gives CANCELLED and closes the connection', async () => {
    fake.reply(anthropicHang(['first']));
    const controller = new AbortController();
    const result = await collect(provider.stream(chatRequest({ signal: controller.signal })), () => controller.abort());
    expect(result.deltas).toEqual(['first']);
    expect(result.error?.code).toBe('CANCELLED');
    await fake.waitForClientAbort();
  });

  test('a signal already aborted never sends a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await collect(provider.stream(chatRequest({ signal: controller.signal })));
    expect(result.error?.code).toBe('CANCELLED');
    expect(fake.requests).toHaveLength(0);
  });

  test('silence ends in TIMEOUT', async () => {
    fake.reply(anthropicHang(['slow']));
    provider = providersFromEnv({ CLAWCHAT_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: fake.origin }, { ...FAST, idleTimeoutMs: 200 });
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['slow']);
    expect(result.error?.code).toBe('TIMEOUT');
    await fake.waitForClientAbort();
  });

  test('an unreachable endpoint is reported with its host', async () => {
    const origin = await closedPortOrigin();
    provider = providersFromEnv({ CLAWCHAT_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: TEST_KEY, ANTHROPIC_BASE_URL: origin }, FAST);
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain(`cannot reach anthropic at ${new URL(origin).host}`);
    expect(result.error?.message).not.toContain(TEST_KEY);
  });
});

describe('toAnthropicRequest', () => {
  test('moves system messages into the system parameter and merges same-role turns', () => {
    const shaped = toAnthropicRequest(
      chatRequest({
        system: 'ctx',
        messages: [
          { role: 'system', content: 'summary of earlier turns' },
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
          { role: 'assistant', content: 'c' },
        ],
      }),
    );
    expect(shaped.system).toBe('ctx\n\nsummary of earlier turns');
    expect(shaped.messages).toEqual([
      { role: 'user', content: 'a\n\nb' },
      { role: 'assistant', content: 'c' },
    ]);
  });
});
