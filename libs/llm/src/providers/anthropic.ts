import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { ANTHROPIC_DEFAULT_MAX_TOKENS, SDK_TIMEOUT_SLACK_MS } from '../constants';
import { AttemptFailure } from '../failure';
import { hostOf, resolveRuntime, runSdkStream, type AttemptContext, type ProviderRuntimeOptions } from '../provider-runner';
import type { Provider, StreamEvent, StreamRequest } from '../types';

/** Anthropic Messages streaming (raw SSE events via messages.create with stream: true). */
export interface AnthropicProviderOptions extends ProviderRuntimeOptions {
  model: string;
  baseURL: string;
  apiKey: string;
  keyVariable?: string;
  name?: string;
}

/**
 * Anthropic takes the system prompt as a parameter, not a message, so system-role messages join it;
 * consecutive turns of one role are merged because older API versions demand strict alternation.
 */
export function toAnthropicRequest(request: StreamRequest): { system: string; messages: MessageParam[] } {
  const systemParts = request.system ? [request.system] : [];
  const messages: MessageParam[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') {
      systemParts.push(message.content);
      continue;
    }
    const last = messages[messages.length - 1];
    if (last && last.role === message.role && typeof last.content === 'string') {
      last.content = `${last.content}\n\n${message.content}`;
    } else {
      messages.push({ role: message.role, content: message.content });
    }
  }
  return { system: systemParts.join('\n\n'), messages };
}

export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const runtime = resolveRuntime(options, options.apiKey);
  const client = new Anthropic({
    apiKey: options.apiKey,
    // Explicit so the SDK never picks up ANTHROPIC_AUTH_TOKEN / ANTHROPIC_BASE_URL from process.env.
    authToken: null,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: runtime.idleTimeoutMs + SDK_TIMEOUT_SLACK_MS,
    logLevel: 'off',
  });
  const name = options.name ?? 'anthropic';
  const { model } = options;

  async function* open(request: StreamRequest, attempt: AttemptContext): AsyncGenerator<StreamEvent> {
    const { system, messages } = toAnthropicRequest(request);
    const body: MessageCreateParamsStreaming = {
      model,
      max_tokens: request.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages,
      stream: true,
    };
    if (system) body.system = system;
    const stream = await client.messages.create(body, { signal: attempt.signal });
    attempt.touch();
    let inputTokens = 0;
    let outputTokens = 0;
    let stopped = false;
    for await (const event of stream) {
      attempt.touch();
      switch (event.type) {
        case 'message_start':
          inputTokens = event.message.usage.input_tokens;
          outputTokens = event.message.usage.output_tokens;
          break;
        case 'content_block_delta':
          if (event.delta.type === 'text_delta' && event.delta.text) yield { kind: 'delta', text: event.delta.text };
          break;
        case 'message_delta':
          // Cumulative counts: the last message_delta has the totals.
          outputTokens = event.usage.output_tokens;
          if (typeof event.usage.input_tokens === 'number') inputTokens = event.usage.input_tokens;
          break;
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
    // Aborted: the SDK ended quietly; the runner reports CANCELLED or TIMEOUT.
    if (attempt.signal.aborted) return;
    if (!stopped) {
      throw new AttemptFailure({ code: 'PROVIDER_ERROR', retryable: true, message: `${name} stream ended before the answer was complete` });
    }
    yield { kind: 'done', provider: name, model, usage: { inputTokens, outputTokens } };
  }

  const spec = { provider: name, model, host: hostOf(options.baseURL), keyVariable: options.keyVariable, open };
  return {
    name,
    model,
    stream: (request) => runSdkStream(spec, runtime, request),
  };
}
