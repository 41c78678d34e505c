/**
 * Every tunable of the provider layer, named, in one place, with the reason for its value.
 */

/** DeepSeek's public endpoint; its API is OpenAI chat-completions compatible. */
export const DEEPSEEK_DEFAULT_BASE_URL = 'https://api.deepseek.com';
/** The OpenAI SDK's own default, spelled out so the SDK never falls back to process.env on its own. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** The Anthropic SDK's own default, spelled out for the same reason. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** DeepSeek's general chat model (the reasoner is opt-in via `deepseek:deepseek-reasoner`). */
export const DEEPSEEK_DEFAULT_MODEL = 'deepseek-chat';
/** Fast, cheap, current, 1M-token context, non-reasoning: a chat that answers promptly. */
export const OPENAI_DEFAULT_MODEL = 'gpt-4.1-mini';
/**
 * Anthropic's newest Sonnet in the installed SDK's model list (claude-sonnet-4-5 is marked deprecated
 * there and makes the SDK print a warning on every request).
 */
export const ANTHROPIC_DEFAULT_MODEL = 'claude-sonnet-5-5';
/** llama.cpp serves whatever model it loaded under any name; Ollama/vLLM users set CLAWCHAT_LLM_MODEL. */
export const OPENAI_COMPATIBLE_DEFAULT_MODEL = 'default';
/** The offline provider has no model; this is what CHAT_DONE reports for it. */
export const OFFLINE_MODEL = 'offline';

/**
 * Anthropic requires max_tokens on every request. 8192 fits every current Claude model and is long
 * enough for any chat answer; callers can ask for less (compaction does).
 */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 8192;

/**
 * Longest silence tolerated from a provider: before the first piece (connect + time to first token)
 * and between two pieces. 60 s matches the relay's idle timer (product.md) so both give up together.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/**
 * The SDKs' own timeout only guards the wait for response headers; it is set above ours so that
 * our idle timer, which also watches the body, is the one that fires and reports TIMEOUT.
 */
export const SDK_TIMEOUT_SLACK_MS = 5_000;

/** One try plus two retries: enough to ride out a blip, short enough that a person keeps waiting. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** First backoff step when the provider did not say how long to wait. */
export const DEFAULT_BASE_DELAY_MS = 500;
/** Ceiling for our own exponential backoff. */
export const DEFAULT_MAX_DELAY_MS = 8_000;
/**
 * A Retry-After longer than this is not waited out: the person gets RATE_LIMITED with the wait named,
 * rather than a chat that looks hung for minutes.
 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Context budget when neither CLAWCHAT_LLM_CONTEXT_TOKENS nor the model table knows better (product.md). */
export const DEFAULT_CONTEXT_TOKENS = 64_000;
/** Known context windows, in tokens. Prefix match, longest prefix wins. */
export const MODEL_CONTEXT_TOKENS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['deepseek-chat', 128_000],
  ['deepseek-reasoner', 128_000],
  ['gpt-4.1', 1_047_576],
  ['gpt-4o', 128_000],
  ['gpt-5', 400_000],
  ['claude-', 200_000],
];

/** Provider messages are cut to this so one ERROR line stays readable. */
export const MAX_PROVIDER_MESSAGE_CHARS = 300;
/** Secrets shorter than this are not scrubbed: replacing "a" everywhere would wreck every message. */
export const MIN_SECRET_LENGTH = 6;

/** Rough token estimate used everywhere in ClawChat (spec: characters / 4). */
export const CHARS_PER_TOKEN = 4;
