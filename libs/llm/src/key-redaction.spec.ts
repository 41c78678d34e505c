import type { ServerResponse } from 'node:http';
import { providersFromEnv, type Env } from './config';
import type { FailoverNotice } from './failover';
import type { RetryInfo } from './retry';
import { anthropicError, anthropicStreamError } from './test-support/anthropic-wire';
import { chatRequest, collect, TEST_KEY } from './test-support/collect';
import { FakeHttpServer, startSse, type Script } from './test-support/fake-http';
import { openAiError, writeData } from './test-support/openai-wire';

/**
 * Every way a provider's error text reaches a person or a log (the ERROR message, onRetry, onFailover)
 * must be scrubbed of the key: whole, partly masked the way providers echo it, or cut in half by the
 * length limit on provider messages.
 */

// A key that is not sk- shaped: only the configured-key redaction can catch it.
const PLAIN_KEY = 'local-7Fq2xZ9pLm4Rt8VwQ3nB';

/** The masked forms providers print: OpenAI "sk-abc...wxyz" / "sk-proj-ab****wxyz", DeepSeek "****wxyz". */
const MASKED = [`${TEST_KEY.slice(0, 6)}...${TEST_KEY.slice(-4)}`, `${TEST_KEY.slice(0, 8)}${'*'.repeat(24)}${TEST_KEY.slice(-4)}`, `****${TEST_KEY.slice(-4)}`];

const ECHO = `Incorrect API key provided: ${TEST_KEY}. Masked: ${MASKED.join(' and ')}. Sent: Bearer ${TEST_KEY}`;

function expectNoKey(text: string): void {
  for (const leak of [TEST_KEY, ...MASKED, TEST_KEY.slice(0, 12), TEST_KEY.slice(-4), PLAIN_KEY.slice(0, 10)]) expect(text).not.toContain(leak);
}

/** Retries are quick and few: the point is what the messages say, not the timing. */
const FAST = { retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 }, idleTimeoutMs: 3_000 };

interface Flavour {
  name: string;
  env: (origin: string, key: string) => Env;
  httpError: (status: number, message: string) => Script;
  /** An error event inside a 200 stream, before any text (retried). */
  streamError: (message: string) => Script;
}

const openAiStreamError = (message: string): Script => ({ res }: { res: ServerResponse }) => {
  startSse(res);
  writeData(res, { error: { message, type: 'server_error' } });
  res.end();
};

const flavours: Flavour[] = [
  {
    name: 'openai',
    env: (origin, key) => ({ CLAWCHAT_LLM_PROVIDER: 'openai:gpt-test', OPENAI_API_KEY: key, OPENAI_BASE_URL: `${origin}/v1` }),
    httpError: (status, message) => openAiError(status, message),
    streamError: openAiStreamError,
  },
  {
    name: 'deepseek',
    env: (origin, key) => ({ CLAWCHAT_LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: key, DEEPSEEK_BASE_URL: origin }),
    httpError: (status, message) => openAiError(status, message, 'authentication_error'),
    streamError: openAiStreamError,
  },
  {
    name: 'openai-compatible',
    env: (origin, key) => ({ CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_API_KEY: key, CLAWCHAT_LLM_BASE_URL: `${origin}/v1` }),
    httpError: (status, message) => openAiError(status, message),
    streamError: openAiStreamError,
  },
  {
    name: 'anthropic',
    env: (origin, key) => ({ CLAWCHAT_LLM_PROVIDER: 'anthropic:claude-test', ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: origin }),
    httpError: (status, message) => anthropicError(status, status === 401 ? 'authentication_error' : 'overloaded_error', message),
    streamError: (message) => anthropicStreamError([], 'overloaded_error', message),
  },
];

describe.each(flavours)('$name: the key never leaves in an error', (flavour) => {
  let fake: FakeHttpServer;
  let retries: RetryInfo[];

  beforeEach(async () => {
    fake = await FakeHttpServer.start();
    retries = [];
  });
  afterEach(() => fake.stop());

  const provider = (key = TEST_KEY) => providersFromEnv(flavour.env(fake.origin, key), { ...FAST, onRetry: (info) => retries.push(info) });

  test('a 401 whose body echoes the key, whole and masked', async () => {
    fake.reply(flavour.httpError(401, ECHO));
    const result = await collect(provider().stream(chatRequest()));
    expect(result.error?.message).toContain(`${flavour.name} returned HTTP 401: Incorrect API key provided: [REDACTED]`);
    expectNoKey(result.error?.message ?? '');
  });

  test('a retried 5xx: the onRetry message and the final error', async () => {
    fake.replyAlways(flavour.httpError(503, ECHO));
    const result = await collect(provider().stream(chatRequest()));
    expect(fake.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0].failure.message).toContain('[REDACTED]');
    expectNoKey(retries[0].failure.message);
    expect(result.error?.message).toContain('returned HTTP 503');
    expectNoKey(result.error?.message ?? '');
  });

  test('an error event inside the stream: the onRetry message and the final error', async () => {
    fake.replyAlways(flavour.streamError(ECHO));
    const result = await collect(provider().stream(chatRequest()));
    expect(retries).toHaveLength(1);
    expectNoKey(retries[0].failure.message);
    expect(result.error?.message).toContain(`${flavour.name} stream error:`);
    expectNoKey(result.error?.message ?? '');
  });

  test('a key that the length limit on provider messages would cut in half', async () => {
    // The key starts 12 characters before the 300-character cut: cutting first would leave
    // "local-7Fq2xZ", which no longer matches the configured key.
    fake.reply(flavour.httpError(401, `${'x'.repeat(288)}${PLAIN_KEY} is not valid`));
    const result = await collect(provider(PLAIN_KEY).stream(chatRequest()));
    expect(result.error?.message).toContain('[REDACTED]');
    expectNoKey(result.error?.message ?? '');
  });
});

test('failover: the onFailover notice and the "all providers failed" error are scrubbed of every configured key', async () => {
  const fake = await FakeHttpServer.start();
  try {
    const notices: FailoverNotice[] = [];
    const chain = providersFromEnv(
      {
        CLAWCHAT_LLM_PROVIDER: 'openai:gpt-test,anthropic:claude-test',
        OPENAI_API_KEY: TEST_KEY,
        OPENAI_BASE_URL: `${fake.origin}/v1`,
        ANTHROPIC_API_KEY: PLAIN_KEY,
        ANTHROPIC_BASE_URL: fake.origin,
      },
      { ...FAST, onFailover: (notice) => notices.push(notice) },
    );
    // Each provider echoes both keys: a gateway in front of several providers might.
    fake.reply(openAiError(401, `${ECHO}; other key ${PLAIN_KEY}`), anthropicError(401, 'authentication_error', `${ECHO}; other key ${PLAIN_KEY}`));
    const result = await collect(chain.stream(chatRequest()));
    expect(notices).toHaveLength(1);
    expectNoKey(notices[0].error.message);
    expect(result.error?.message).toMatch(/^all providers failed: openai returned HTTP 401: .*; anthropic returned HTTP 401: /);
    expectNoKey(result.error?.message ?? '');
  } finally {
    await fake.stop();
  }
});
