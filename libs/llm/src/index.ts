export type { ChatMessage, DeltaEvent, DoneEvent, Provider, StreamEvent, StreamRequest, TokenUsage } from './types';
export { createRedactor, REDACTED, type Redactor } from './redact';
export {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  parseRetryAfterMs,
  resolveRetryPolicy,
  streamWithRetry,
  type RetryDecision,
  type RetryInfo,
  type RetryPolicy,
} from './retry';
export type { ProviderRuntimeOptions } from './provider-runner';
export { createOpenAiChatProvider, type OpenAiChatProviderOptions } from './providers/openai-chat';
export { createAnthropicProvider, type AnthropicProviderOptions } from './providers/anthropic';
export { createOfflineProvider, offlineReply, OFFLINE_PROVIDER_NAME } from './providers/offline';
export { FailoverChain, type FailoverChainOptions, type FailoverNotice } from './failover';
export {
  ConfigError,
  configuredSecrets,
  contextTokensFor,
  createProvider,
  parseProviderChain,
  PROVIDER_NAMES,
  providersFromEnv,
  resolveProviderSpecs,
  type ChainEntry,
  type Env,
  type ProviderName,
  type ProviderSpec,
  type ProvidersFromEnvOptions,
} from './config';
export { formatTranscript, summarise, SUMMARY_INSTRUCTIONS, type SummariseOptions, type SummaryResult } from './compaction';
export { DEFAULT_CONTEXT_TOKENS, DEFAULT_IDLE_TIMEOUT_MS } from './constants';
