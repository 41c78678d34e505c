import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { SDK_TIMEOUT_SLACK_MS } from '../constants';
import { AttemptFailure } from '../failure';
import { hostOf, resolveRuntime, runSdkStream, type AttemptContext, type ProviderRuntimeOptions } from '../provider-runner';
import type { Provider, StreamEvent, StreamRequest, TokenUsage } from '../types';

/**
 * Chat Completions streaming through the official OpenAI SDK. Serves three providers: `openai`,
 * `deepseek` (same API at DeepSeek's URL) and `openai-compatible` (Ollama, vLLM, llama.cpp).
 */
export interface OpenAiChatProviderOptions extends ProviderRuntimeOptions {
  name: string;
  model: string;
  baseURL: string;
  /** Absent: no Authorization header at all (local servers that need no key). */
  apiKey?: string;
  /** Environment variable holding the key, named in 401/403 messages. */
  keyVariable?: string;
  /** OpenAI's current models take max_completion_tokens; DeepSeek and local servers take max_tokens. */
  maxTokensParameter?: 'max_tokens' | 'max_completion_tokens';
}

export function toOpenAiMessages(request: StreamRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push({ role: message.role, content: message.content });
  return messages;
}

export function createOpenAiChatProvider(options: OpenAiChatProviderOptions): Provider {
  const runtime = resolveRuntime(options, options.apiKey);
  const client = new OpenAI({
    // The SDK insists on a key; a keyless server gets a placeholder and the header is removed below.
    apiKey: options.apiKey ?? 'no-key',
    baseURL: options.baseURL,
    // Explicit values so the SDK never reads OPENAI_* from process.env behind config.ts's back.
    organization: null,
    project: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: runtime.idleTimeoutMs + SDK_TIMEOUT_SLACK_MS,
    logLevel: 'off',
    defaultHeaders: options.apiKey ? undefined : { Authorization: null },
  });
  const { name, model } = options;
  const maxTokensParameter = options.maxTokensParameter ?? 'max_tokens';

  async function* open(request: StreamRequest, attempt: AttemptContext): AsyncGenerator<StreamEvent> {
    const body: ChatCompletionCreateParamsStreaming = {
      model,
      messages: toOpenAiMessages(request),
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.maxTokens !== undefined) body[maxTokensParameter] = request.maxTokens;
    const stream = await client.chat.completions.create(body, { signal: attempt.signal });
    attempt.touch();
    let finished = false;
    let usage: TokenUsage | undefined;
    for await (const chunk of stream) {
      attempt.touch();
      if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
      for (const choice of chunk.choices ?? []) {
        const text = choice.delta?.content;
        if (text) yield { kind: 'delta', text };
        if (choice.finish_reason) finished = true;
      }
    }
    // A body that ends without a finish_reason was cut short (proxy timeout, server crash).
    // Aborted: the SDK ended quietly; the runner reports CANCELLED or TIMEOUT.
    if (attempt.signal.aborted) return;
    if (!finished) {
      throw new AttemptFailure({ code: 'PROVIDER_ERROR', retryable: true, message: `${name} stream ended before the answer was complete` });
    }
    yield { kind: 'done', provider: name, model, usage };
  }

  const spec = { provider: name, model, host: hostOf(options.baseURL), keyVariable: options.keyVariable, open };
  return {
    name,
    model,
    stream: (request) => runSdkStream(spec, runtime, request),
  };
}
