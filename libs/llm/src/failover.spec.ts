import { ProtocolError } from '@clawchat/protocol';
import { providersFromEnv } from './config';
import { FailoverChain, type FailoverNotice } from './failover';
import { createOfflineProvider } from './providers/offline';
import { createOpenAiChatProvider } from './providers/openai-chat';
import { anthropicStream } from './test-support/anthropic-wire';
import { chatRequest, collect, TEST_KEY } from './test-support/collect';
import { closedPortOrigin, cutConnection, deferred, FakeHttpServer, startSse } from './test-support/fake-http';
import { openAiCutAfter, openAiError, openAiHang } from './test-support/openai-wire';
import type { Provider, StreamEvent } from './types';

const FAST = { retry: { baseDelayMs: 5, maxDelayMs: 20 }, idleTimeoutMs: 3_000 };

function failing(name: string, code: ProtocolError['code'], afterDeltas: string[] = []): Provider & { calls: number } {
  const provider = {
    name,
    model: `${name}-model`,
    calls: 0,
    async *stream(): AsyncGenerator<StreamEvent> {
      provider.calls++;
      for (const text of afterDeltas) yield { kind: 'delta', text };
      throw new ProtocolError(code, `${name} broke`);
    },
  };
  return provider;
}

describe('FailoverChain', () => {
  let fake: FakeHttpServer;
  beforeEach(async () => {
    fake = await FakeHttpServer.start();
  });
  afterEach(() => fake.stop());

  test('an unreachable openai fails over to offline, and done names offline', async () => {
    const origin = await closedPortOrigin();
    const notices: FailoverNotice[] = [];
    const chain = providersFromEnv(
      { CLAWCHAT_LLM_PROVIDER: 'openai:gpt-test,offline', OPENAI_API_KEY: TEST_KEY, OPENAI_BASE_URL: `${origin}/v1` },
      { ...FAST, onFailover: (n) => notices.push(n) },
    );
    expect(chain.name).toBe('openai,offline');
    expect(chain.model).toBe('gpt-test');

    const result = await collect(chain.stream(chatRequest({ contextFiles: ['SOUL.md'] })));
    expect(result.error).toBeUndefined();
    expect(result.done).toMatchObject({ provider: 'offline', model: 'offline' });
    expect(result.deltas.join('')).toContain('Context files loaded: SOUL.md.');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ from: 'openai', model: 'gpt-test', to: 'offline' });
    expect(notices[0].error.message).toContain(`cannot reach openai at ${new URL(origin).host}`);
    expect(notices[0].error.message).not.toContain(TEST_KEY);
  });

  test('a stream cut before any text fails over to the next real provider', async () => {
    const anthropic = await FakeHttpServer.start();
    try {
      fake.replyAlways(({ res }) => {
        startSse(res);
        cutConnection(res);
      });
      anthropic.reply(anthropicStream(['from ', 'claude']));
      const chain = providersFromEnv(
        {
          CLAWCHAT_LLM_PROVIDER: 'deepseek,anthropic:claude-test',
          DEEPSEEK_API_KEY: 'deepseek-key-123456',
          DEEPSEEK_BASE_URL: fake.origin,
          ANTHROPIC_API_KEY: TEST_KEY,
          ANTHROPIC_BASE_URL: anthropic.origin,
        },
        FAST,
      );
      const result = await collect(chain.stream(chatRequest()));
      expect(result.deltas.join('')).toBe('from claude');
      expect(result.done).toMatchObject({ provider: 'anthropic', model: 'claude-test' });
      expect(fake.requests).toHaveLength(3); // deepseek got its full retry budget first
      expect(anthropic.requests).toHaveLength(1);
    } finally {
      await anthropic.stop();
    }
  });

  test('a stream cut after text is an error: no failover, no second answer', async () => {
    const release = deferred();
    fake.reply(openAiCutAfter(['Half an an'], release.promise));
    const backup = failing('backup', 'PROVIDER_ERROR');
    const openai = createOpenAiChatProvider({ name: 'openai', model: 'gpt-test', baseURL: fake.origin, apiKey: TEST_KEY, ...FAST });
    const chain = new FailoverChain([openai, backup]);
    const result = await collect(chain.stream(chatRequest()), () => release.resolve());
    expect(result.deltas).toEqual(['Half an an']);
    expect(result.error?.code).toBe('PROVIDER_ERROR');
    expect(result.error?.message).toContain('was lost');
    expect(backup.calls).toBe(0);
  });

  test('cancelling is never failed over', async () => {
    fake.reply(openAiHang([]));
    const backup = failing('backup', 'PROVIDER_ERROR');
    const openai = createOpenAiChatProvider({ name: 'openai', model: 'gpt-test', baseURL: fake.origin, apiKey: TEST_KEY, ...FAST });
    const controller = new AbortController();
    const chain = new FailoverChain([openai, backup]);
    const pending = collect(chain.stream(chatRequest({ signal: controller.signal })));
    // Abort once the request reached the fake (no delta ever comes: cancellation before the first piece).
    await fake.waitForRequests(1);
    controller.abort();
    const result = await pending;
    expect(result.error?.code).toBe('CANCELLED');
    expect(backup.calls).toBe(0);
    await fake.waitForClientAbort();
  });

  test('a 400 from the first provider also fails over (the next one may be configured right)', async () => {
    fake.reply(openAiError(400, 'Invalid model gpt-nope'));
    const chain = new FailoverChain([createOpenAiChatProvider({ name: 'openai', model: 'gpt-nope', baseURL: fake.origin, apiKey: TEST_KEY, ...FAST }), createOfflineProvider()]);
    const result = await collect(chain.stream(chatRequest()));
    expect(result.done?.provider).toBe('offline');
    expect(fake.requests).toHaveLength(1);
  });

  test('when every provider fails the error lists each of them', async () => {
    const chain = new FailoverChain([failing('one', 'TIMEOUT'), failing('two', 'RATE_LIMITED')]);
    const result = await collect(chain.stream(chatRequest()));
    expect(result.error?.code).toBe('RATE_LIMITED');
    expect(result.error?.message).toBe('all providers failed: one broke; two broke');
  });

  test('a single provider passes its error through unchanged', async () => {
    const chain = new FailoverChain([failing('solo', 'TIMEOUT')]);
    const result = await collect(chain.stream(chatRequest()));
    expect(result.error?.code).toBe('TIMEOUT');
    expect(result.error?.message).toBe('solo broke');
  });

  test('refuses an empty chain', () => {
    expect(() => new FailoverChain([])).toThrow('at least one provider');
  });
});
