import { providersFromEnv, type Env } from '../config';
import { createOpenAiChatProvider } from './openai-chat';
import { chatRequest, collect, TEST_KEY } from '../test-support/collect';
import { closedPortOrigin, deferred, FakeHttpServer } from '../test-support/fake-http';
import { chunk, openAiCutAfter, openAiError, openAiHang, openAiStream, openAiTruncated, writeData } from '../test-support/openai-wire';
import { startSse } from '../test-support/fake-http';
import type { Provider } from '../types';

// Small timings so retries and timeouts are quick; the logic under test is the same.
const FAST = { retry: { baseDelayMs: 10, maxDelayMs: 40 }, idleTimeoutMs: 3_000 };

interface Flavour {
  name: string;
  env: (origin: string) => Env;
  path: string;
  model: string;
  maxTokensField: string;
  keyVariable: string;
}

// The three providers that speak Chat Completions, each configured the way a person would.
const flavours: Flavour[] = [
  {
    name: 'openai',
    env: (origin) => ({ CLAWCHAT_LLM_PROVIDER: 'openai:gpt-test', OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${origin}/v1` }),
    path: '/v1/chat/completions',
    model: 'gpt-test',
    maxTokensField: 'max_completion_tokens',
    keyVariable: 'OPENAI_API_KEY',
  },
  {
    name: 'deepseek',
    env: (origin) => ({ CLAWCHAT_LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: TEST_KEY, DEEPSEEK_BASE_URL: origin }),
    path: '/chat/completions',
    model: 'deepseek-chat',
    maxTokensField: 'max_tokens',
    keyVariable: 'DEEPSEEK_API_KEY',
  },
  {
    name: 'openai-compatible',
    env: (origin) => ({
      CLAWCHAT_LLM_PROVIDER: 'openai-compatible',
      CLAWCHAT_LLM_MODEL: 'llama3.1:8b',
      CLAWCHAT_LLM_API_KEY: TEST_KEY,
      CLAWCHAT_LLM_BASE_URL: `${origin}/v1`,
    }),
    path: '/v1/chat/completions',
    model: 'llama3.1:8b',
    maxTokensField: 'max_tokens',
    keyVariable: 'CLAWCHAT_LLM_API_KEY',
  },
];

describe.each(flavours)('$name provider through the OpenAI SDK', (flavour) => {
  let fake: FakeHttpServer;
  let provider: Provider;

  beforeEach(async () => {
    fake = await FakeHttpServer.start();
    provider = providersFromEnv(flavour.env(fake.origin), FAST);
  });
  afterEach(() => fake.stop());

  function expectKeyUsedButNeverShown(message: string | undefined): void {
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(message ?? '').not.toContain(TEST_KEY);
  }

  test('streams the answer as deltas, then done with usage, provider and model', async () => {
    fake.reply(openAiStream(['Hel', 'lo', ' there'], { prompt: 12, completion: 3 }));
    const result = await collect(provider.stream(chatRequest({ maxTokens: 77 })));

    expect(result.error).toBeUndefined();
    expect(result.deltas).toEqual(['Hel', 'lo', ' there']);
    expect(result.done).toEqual({ kind: 'done', provider: flavour.name, model: flavour.model, usage: { inputTokens: 12, outputTokens: 3 } });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(flavour.path);
    expect(request.body).toMatchObject({
      model: flavour.model,
      stream: true,
      [flavour.maxTokensField]: 77,
      messages: [
        { role: 'system', content: 'You are a test assistant.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
    expectKeyUsedButNeverShown(undefined);
  });

  test("an error body becomes PROVIDER_ERROR with the provider's own message, key scrubbed, not retried", async () => {
    fake.reply(openAiError(401, `Incorrect API key provided: ${TEST_KEY}. You can find your API key at https://example.invalid.`, 'invalid_request_error'));
    const result = await collect(provider.stream(chatRequest()));

    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain(`${flavour.name} returned HTTP 401: Incorrect API key provided: [REDACTED]`);
    expect(result.error?.message).toContain(`check ${flavour.keyVariable}`);
    expect(result.error?.message).not.toMatch(/\n/);
    expect(fake.requests).toHaveLength(1);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('429 with Retry-After: 1 is retried after about a second, then succeeds', async () => {
    fake.reply(openAiError(429, 'Rate limit reached for requests', 'requests', { 'retry-after': '1' }), openAiStream(['ok']));
    const result = await collect(provider.stream(chatRequest()));

    expect(result.error).toBeUndefined();
    expect(result.deltas.join('')).toBe('ok');
    expect(fake.requests).toHaveLength(2);
    const gap = fake.requests[1].receivedAt - fake.requests[0].receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3_000);
    expectKeyUsedButNeverShown(undefined);
  });

  test('429 with Retry-After: 0 is retried at once', async () => {
    fake.reply(openAiError(429, 'Rate limit reached', 'requests', { 'retry-after': '0' }), openAiStream(['ok']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['ok']);
    expect(fake.requests).toHaveLength(2);
  });

  test('429 on every attempt ends as RATE_LIMITED naming the wait', async () => {
    fake.replyAlways(openAiError(429, 'Rate limit reached for gpt-test', 'requests', { 'retry-after-ms': '20', 'retry-after': '1' }));
    const result = await collect(provider.stream(chatRequest()));

    expect(result.error?.code).toBe('RATE_LIMITED');
    expect(result.error?.message).toContain('Rate limit reached for gpt-test');
    expect(result.error?.message).toContain('retry after 1 s');
    expect(fake.requests).toHaveLength(3);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('a Retry-After longer than we wait out is reported at once', async () => {
    fake.replyAlways(openAiError(429, 'Quota exceeded', 'insufficient_quota', { 'retry-after': '120' }));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.code).toBe('RATE_LIMITED');
    expect(result.error?.message).toContain('retry after 120 s');
    expect(fake.requests).toHaveLength(1);
  });

  test('a 5xx is retried with backoff', async () => {
    fake.reply(openAiError(503, 'The server is overloaded', 'server_error'), openAiStream(['fine']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['fine']);
    expect(fake.requests).toHaveLength(2);
  });

  test('a stream cut after the first delta is an error, not a silent retry', async () => {
    const release = deferred();
    fake.reply(openAiCutAfter(['Hal', 'f an'], release.promise));
    fake.replyAlways(openAiStream(['should never be requested']));
    const result = await collect(provider.stream(chatRequest()), () => release.resolve());

    expect(result.deltas[0]).toBe('Hal');
    expect(result.done).toBeUndefined();
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain(`connection to ${flavour.name} at 127.0.0.1:${fake.port} was lost`);
    expect(fake.requests).toHaveLength(1);
    expectKeyUsedButNeverShown(result.error?.message);
  });

  test('a stream cut before any delta is retried', async () => {
    fake.reply(({ res }) => {
      startSse(res);
      writeData(res, chunk({ role: 'assistant', content: '' }));
      res.socket?.destroy();
    }, openAiStream(['second try']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['second try']);
    expect(fake.requests).toHaveLength(2);
  });

  test('a body that ends without finish_reason is reported as incomplete', async () => {
    fake.reply(openAiTruncated(['Trunc']));
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['Trunc']);
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain('ended before the answer was complete');
  });

  test('an error object inside the stream carries the provider message', async () => {
    fake.reply(({ res }) => {
      startSse(res);
      writeData(res, chunk({ content: 'Par' }));
      writeData(res, { error: { message: 'The model crashed mid-answer', type: 'server_error' } });
      res.end();
    });
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['Par']);
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain('The model crashed mid-answer');
  });

  test('cancelling mid-stream gives CANCELLED and closes the connection', async () => {
    fake.reply(openAiHang(['first']));
    const controller = new AbortController();
    const result = await collect(provider.stream(chatRequest({ signal: controller.signal })), () => controller.abort());

    expect(result.deltas).toEqual(['first']);
    expect(result.error?.code).toBe('CANCELLED');
    await fake.waitForClientAbort();
    expect(fake.requests).toHaveLength(1);
  });

  test('silence after a delta ends in TIMEOUT', async () => {
    fake.reply(openAiHang(['slow']));
    provider = providersFromEnv(flavour.env(fake.origin), { ...FAST, idleTimeoutMs: 250 });
    const result = await collect(provider.stream(chatRequest()));
    expect(result.deltas).toEqual(['slow']);
    expect(result.error?.code).toBe('TIMEOUT');
    expect(result.error?.message).toContain('sent nothing for 0.3 s');
    await fake.waitForClientAbort();
  });

  test('no response at all ends in TIMEOUT without retries', async () => {
    fake.replyAlways(() => undefined);
    provider = providersFromEnv(flavour.env(fake.origin), { ...FAST, idleTimeoutMs: 250 });
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.code).toBe('TIMEOUT');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('openai-compatible without a key', () => {
  test('sends no Authorization header at all', async () => {
    const fake = await FakeHttpServer.start();
    try {
      fake.reply(openAiStream(['local']));
      const provider = providersFromEnv({ CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: `${fake.origin}/v1` }, FAST);
      const result = await collect(provider.stream(chatRequest()));
      expect(result.deltas).toEqual(['local']);
      expect(result.done?.model).toBe('default');
      expect(fake.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await fake.stop();
    }
  });
});

describe('an unreachable OpenAI endpoint', () => {
  test('is retried, then reported as "cannot reach" with the host and without the key', async () => {
    const origin = await closedPortOrigin();
    const retries: number[] = [];
    const provider = createOpenAiChatProvider({
      name: 'openai',
      model: 'gpt-test',
      baseURL: `${origin}/v1`,
      apiKey: TEST_KEY,
      ...FAST,
      onRetry: (info) => retries.push(info.attempt),
    });
    const result = await collect(provider.stream(chatRequest()));
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toBe(`cannot reach openai at ${new URL(origin).host} (ECONNREFUSED) (after 3 attempts)`);
    expect(retries).toEqual([1, 2]);
  });
});
