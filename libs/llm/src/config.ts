import {
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_MODEL,
  DEEPSEEK_DEFAULT_BASE_URL,
  DEEPSEEK_DEFAULT_MODEL,
  DEFAULT_CONTEXT_TOKENS,
  MODEL_CONTEXT_TOKENS,
  OFFLINE_MODEL,
  OPENAI_COMPATIBLE_DEFAULT_MODEL,
  OPENAI_DEFAULT_BASE_URL,
  OPENAI_DEFAULT_MODEL,
} from './constants';
import { FailoverChain, type FailoverChainOptions } from './failover';
import type { ProviderRuntimeOptions } from './provider-runner';
import { createAnthropicProvider } from './providers/anthropic';
import { createOfflineProvider } from './providers/offline';
import { createOpenAiChatProvider } from './providers/openai-chat';
import type { Provider } from './types';

/**
 * Environment → provider chain (product.md "Configuration"). Pure apart from building SDK clients,
 * which do no I/O until asked to stream.
 */

export type Env = Record<string, string | undefined>;

export const PROVIDER_NAMES = ['deepseek', 'openai', 'anthropic', 'openai-compatible', 'offline'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A configuration mistake, phrased as one line naming the variable to fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Everything needed to build one provider; `apiKey` is the only secret. */
export interface ProviderSpec {
  name: ProviderName;
  model: string;
  baseURL?: string;
  apiKey?: string;
  keyVariable?: string;
}

export interface ChainEntry {
  name: ProviderName;
  model?: string;
}

const KEY_VARIABLES = {
  deepseek: 'DEEPSEEK_API_KEY',
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'openai-compatible': 'CLAWCHAT_LLM_API_KEY',
} as const;

const BASE_URL_VARIABLES = {
  deepseek: 'DEEPSEEK_BASE_URL',
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  'openai-compatible': 'CLAWCHAT_LLM_BASE_URL',
} as const;

const DEFAULT_MODELS: Record<ProviderName, string> = {
  deepseek: DEEPSEEK_DEFAULT_MODEL,
  openai: OPENAI_DEFAULT_MODEL,
  anthropic: ANTHROPIC_DEFAULT_MODEL,
  'openai-compatible': OPENAI_COMPATIBLE_DEFAULT_MODEL,
  offline: OFFLINE_MODEL,
};

const DEFAULT_BASE_URLS = {
  deepseek: DEEPSEEK_DEFAULT_BASE_URL,
  openai: OPENAI_DEFAULT_BASE_URL,
  anthropic: ANTHROPIC_DEFAULT_BASE_URL,
} as const;

/** An unset and an empty variable mean the same: `FOO=` in .env is how people "unset" things. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** "deepseek:deepseek-reasoner, offline" → entries. The model is everything after the first colon ("llama3.1:8b" works). */
export function parseProviderChain(value: string): ChainEntry[] {
  return value.split(',').map((raw) => {
    const entry = raw.trim();
    if (!entry) throw new ConfigError('CLAWCHAT_LLM_PROVIDER has an empty entry; write e.g. "deepseek,offline"');
    const colon = entry.indexOf(':');
    const name = (colon < 0 ? entry : entry.slice(0, colon)).trim().toLowerCase();
    const model = colon < 0 ? undefined : entry.slice(colon + 1).trim() || undefined;
    if (!isProviderName(name)) {
      throw new ConfigError(`CLAWCHAT_LLM_PROVIDER: unknown provider "${name}"; use ${PROVIDER_NAMES.join(', ')}`);
    }
    return { name, model };
  });
}

/**
 * With CLAWCHAT_LLM_PROVIDER unset: a local server if CLAWCHAT_LLM_BASE_URL is set (it is ClawChat's
 * own variable, so the clearest intent), else the first provider whose key is set, else offline.
 */
function defaultChain(env: Env): ChainEntry[] {
  if (read(env, 'CLAWCHAT_LLM_BASE_URL')) return [{ name: 'openai-compatible' }];
  for (const name of ['deepseek', 'openai', 'anthropic'] as const) {
    if (read(env, KEY_VARIABLES[name])) return [{ name }];
  }
  return [{ name: 'offline' }];
}

function checkedUrl(env: Env, variable: string, fallback: string | undefined): string | undefined {
  const value = read(env, variable) ?? fallback;
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} is not a valid URL; write e.g. http://127.0.0.1:11434/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${variable} must be an http:// or https:// URL`);
  return value;
}

/** Resolves the chain to concrete specs; throws ConfigError naming the variable when something is missing. */
export function resolveProviderSpecs(env: Env): ProviderSpec[] {
  const setting = read(env, 'CLAWCHAT_LLM_PROVIDER');
  const entries = setting ? parseProviderChain(setting) : defaultChain(env);
  const shown = setting ? `CLAWCHAT_LLM_PROVIDER=${setting}` : 'the default provider';
  // CLAWCHAT_LLM_MODEL names one model, so it applies to the first network provider without its own
  // ":model"; the others keep their defaults (a DeepSeek model name means nothing to OpenAI).
  let modelOverride = read(env, 'CLAWCHAT_LLM_MODEL');

  return entries.map((entry): ProviderSpec => {
    if (entry.name === 'offline') return { name: 'offline', model: OFFLINE_MODEL };
    let model = entry.model;
    if (!model && modelOverride) {
      model = modelOverride;
      modelOverride = undefined;
    }
    model ??= DEFAULT_MODELS[entry.name];
    const keyVariable = KEY_VARIABLES[entry.name];
    const apiKey = read(env, keyVariable);
    const urlVariable = BASE_URL_VARIABLES[entry.name];

    if (entry.name === 'openai-compatible') {
      const baseURL = checkedUrl(env, urlVariable, undefined);
      if (!baseURL) throw new ConfigError(`${shown} needs CLAWCHAT_LLM_BASE_URL (e.g. http://127.0.0.1:11434/v1 for Ollama)`);
      return { name: entry.name, model, baseURL, apiKey, keyVariable };
    }
    if (!apiKey) throw new ConfigError(`${shown} needs ${keyVariable}`);
    const baseURL = checkedUrl(env, urlVariable, DEFAULT_BASE_URLS[entry.name]);
    return { name: entry.name, model, baseURL, apiKey, keyVariable };
  });
}

/** Every key present in the environment, so any provider's errors scrub all of them. */
export function configuredSecrets(env: Env): string[] {
  return Object.values(KEY_VARIABLES)
    .map((variable) => read(env, variable))
    .filter((value): value is string => value !== undefined);
}

export function createProvider(spec: ProviderSpec, options: ProviderRuntimeOptions = {}): Provider {
  const baseURL = spec.baseURL ?? '';
  switch (spec.name) {
    case 'offline':
      return createOfflineProvider();
    case 'anthropic':
      return createAnthropicProvider({ ...options, model: spec.model, baseURL, apiKey: spec.apiKey ?? '', keyVariable: spec.keyVariable });
    case 'openai':
      return createOpenAiChatProvider({ ...options, name: spec.name, model: spec.model, baseURL, apiKey: spec.apiKey, keyVariable: spec.keyVariable, maxTokensParameter: 'max_completion_tokens' });
    case 'deepseek':
    case 'openai-compatible':
      return createOpenAiChatProvider({ ...options, name: spec.name, model: spec.model, baseURL, apiKey: spec.apiKey, keyVariable: spec.keyVariable, maxTokensParameter: 'max_tokens' });
  }
}

export type ProvidersFromEnvOptions = ProviderRuntimeOptions & FailoverChainOptions;

/** The provider chain the environment asks for. Throws ConfigError (one line, names the variable). */
export function providersFromEnv(env: Env, options: ProvidersFromEnvOptions = {}): FailoverChain {
  const secrets = [...configuredSecrets(env), ...(options.secrets ?? [])];
  const providers = resolveProviderSpecs(env).map((spec) => createProvider(spec, { ...options, secrets }));
  return new FailoverChain(providers, { onFailover: options.onFailover });
}

/**
 * Context budget in tokens for compaction: CLAWCHAT_LLM_CONTEXT_TOKENS, else the model's known window,
 * else 64,000.
 */
export function contextTokensFor(model: string, env: Env): number {
  const setting = read(env, 'CLAWCHAT_LLM_CONTEXT_TOKENS');
  if (setting !== undefined) {
    const tokens = Number(setting.replace(/_/g, ''));
    if (!Number.isInteger(tokens) || tokens <= 0) {
      throw new ConfigError('CLAWCHAT_LLM_CONTEXT_TOKENS must be a positive whole number of tokens, e.g. 64000');
    }
    return tokens;
  }
  let best: readonly [string, number] | undefined;
  for (const entry of MODEL_CONTEXT_TOKENS) {
    if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? best[1] : DEFAULT_CONTEXT_TOKENS;
}
