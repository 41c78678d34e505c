import { ConfigError, configuredSecrets, contextTokensFor, parseProviderChain, providersFromEnv, resolveProviderSpecs } from './config';
import { ANTHROPIC_DEFAULT_MODEL, OPENAI_DEFAULT_MODEL } from './constants';

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProviderChain', () => {
  test('reads providers, optional models (split at the first colon) and spaces', () => {
    expect(parseProviderChain('deepseek:deepseek-reasoner, offline')).toEqual([
      { name: 'deepseek', model: 'deepseek-reasoner' },
      { name: 'offline', model: undefined },
    ]);
    expect(parseProviderChain('openai-compatible:llama3.1:8b')).toEqual([{ name: 'openai-compatible', model: 'llama3.1:8b' }]);
    expect(parseProviderChain('OpenAI')).toEqual([{ name: 'openai', model: undefined }]);
  });

  test('rejects unknown names and empty entries with one clear line', () => {
    expect(configError(() => parseProviderChain('gemini'))).toBe(
      'CLAWCHAT_LLM_PROVIDER: unknown provider "gemini"; use deepseek, openai, anthropic, openai-compatible, offline',
    );
    expect(configError(() => parseProviderChain('openai,,offline'))).toContain('empty entry');
  });
});

describe('resolveProviderSpecs', () => {
  test('defaults to offline when no key is set', () => {
    expect(resolveProviderSpecs({})).toEqual([{ name: 'offline', model: 'offline' }]);
    expect(resolveProviderSpecs({ OPENAI_API_KEY: '' })).toEqual([{ name: 'offline', model: 'offline' }]);
  });

  test('defaults to the provider whose key is set', () => {
    expect(resolveProviderSpecs({ OPENAI_API_KEY: 'sk-o' })).toEqual([
      { name: 'openai', model: OPENAI_DEFAULT_MODEL, baseURL: 'https://api.openai.com/v1', apiKey: 'sk-o', keyVariable: 'OPENAI_API_KEY' },
    ]);
    expect(resolveProviderSpecs({ ANTHROPIC_API_KEY: 'a' })[0]).toMatchObject({ name: 'anthropic', model: ANTHROPIC_DEFAULT_MODEL, baseURL: 'https://api.anthropic.com' });
    expect(resolveProviderSpecs({ DEEPSEEK_API_KEY: 'd', OPENAI_API_KEY: 'o' })[0]).toMatchObject({
      name: 'deepseek',
      model: 'deepseek-chat',
      baseURL: 'https://api.deepseek.com',
    });
    expect(resolveProviderSpecs({ CLAWCHAT_LLM_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY: 'o' })[0]).toMatchObject({ name: 'openai-compatible' });
  });

  test('a provider without its key is a one-line error naming the variable', () => {
    expect(configError(() => resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'openai' }))).toBe('CLAWCHAT_LLM_PROVIDER=openai needs OPENAI_API_KEY');
    expect(configError(() => resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'deepseek,anthropic', DEEPSEEK_API_KEY: 'd' }))).toBe(
      'CLAWCHAT_LLM_PROVIDER=deepseek,anthropic needs ANTHROPIC_API_KEY',
    );
    expect(configError(() => resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'openai-compatible' }))).toContain(
      'CLAWCHAT_LLM_PROVIDER=openai-compatible needs CLAWCHAT_LLM_BASE_URL',
    );
  });

  test('base URL overrides are used and checked without echoing them', () => {
    expect(resolveProviderSpecs({ OPENAI_API_KEY: 'o', OPENAI_BASE_URL: 'http://proxy:8080/v1' })[0].baseURL).toBe('http://proxy:8080/v1');
    expect(resolveProviderSpecs({ DEEPSEEK_API_KEY: 'd', DEEPSEEK_BASE_URL: 'http://127.0.0.1:9' })[0].baseURL).toBe('http://127.0.0.1:9');
    const message = configError(() => resolveProviderSpecs({ ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: 'not a url with secret' }));
    expect(message).toContain('ANTHROPIC_BASE_URL is not a valid URL');
    expect(message).not.toContain('secret');
    expect(configError(() => resolveProviderSpecs({ ANTHROPIC_API_KEY: 'a', ANTHROPIC_BASE_URL: 'ftp://x' }))).toContain('http:// or https://');
  });

  test('CLAWCHAT_LLM_MODEL applies to the first network provider without its own model', () => {
    const specs = resolveProviderSpecs({
      CLAWCHAT_LLM_PROVIDER: 'offline,deepseek,openai',
      CLAWCHAT_LLM_MODEL: 'deepseek-reasoner',
      DEEPSEEK_API_KEY: 'd',
      OPENAI_API_KEY: 'o',
    });
    expect(specs.map((s) => s.model)).toEqual(['offline', 'deepseek-reasoner', OPENAI_DEFAULT_MODEL]);
    const explicit = resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'openai:gpt-x,deepseek', CLAWCHAT_LLM_MODEL: 'deepseek-reasoner', DEEPSEEK_API_KEY: 'd', OPENAI_API_KEY: 'o' });
    expect(explicit.map((s) => s.model)).toEqual(['gpt-x', 'deepseek-reasoner']);
  });

  test('openai-compatible takes an optional key and defaults its model to "default"', () => {
    expect(resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: 'http://127.0.0.1:8080/v1' })[0]).toEqual({
      name: 'openai-compatible',
      model: 'default',
      baseURL: 'http://127.0.0.1:8080/v1',
      apiKey: undefined,
      keyVariable: 'CLAWCHAT_LLM_API_KEY',
    });
    expect(
      resolveProviderSpecs({ CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: 'http://h/v1', CLAWCHAT_LLM_API_KEY: 'local-key' })[0].apiKey,
    ).toBe('local-key');
  });
});

describe('providersFromEnv', () => {
  test('builds the chain in order without any network I/O', () => {
    const chain = providersFromEnv({ CLAWCHAT_LLM_PROVIDER: 'anthropic:claude-x, offline', ANTHROPIC_API_KEY: 'a-key-123456' });
    expect(chain.providers.map((p) => [p.name, p.model])).toEqual([
      ['anthropic', 'claude-x'],
      ['offline', 'offline'],
    ]);
  });

  test('ignores process.env: only the env it is given counts', () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'from-process-env';
    try {
      expect(providersFromEnv({}).name).toBe('offline');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  test('configuredSecrets collects every key present', () => {
    expect(configuredSecrets({ OPENAI_API_KEY: 'o', CLAWCHAT_LLM_API_KEY: 'l', DEEPSEEK_API_KEY: ' ' }).sort()).toEqual(['l', 'o']);
  });
});

describe('contextTokensFor', () => {
  test('CLAWCHAT_LLM_CONTEXT_TOKENS wins', () => {
    expect(contextTokensFor('gpt-4.1-mini', { CLAWCHAT_LLM_CONTEXT_TOKENS: '32000' })).toBe(32_000);
  });

  test('known models by prefix, 64,000 otherwise', () => {
    expect(contextTokensFor('deepseek-chat', {})).toBe(128_000);
    expect(contextTokensFor('gpt-4.1-mini', {})).toBe(1_047_576);
    expect(contextTokensFor('claude-sonnet-5-5', {})).toBe(200_000);
    expect(contextTokensFor('llama3.1:8b', {})).toBe(64_000);
    expect(contextTokensFor('offline', {})).toBe(64_000);
  });

  test('rejects nonsense with the variable named', () => {
    for (const value of ['0', '-1', '12.5', 'lots']) {
      expect(configError(() => contextTokensFor('x', { CLAWCHAT_LLM_CONTEXT_TOKENS: value }))).toContain('CLAWCHAT_LLM_CONTEXT_TOKENS must be');
    }
  });
});
