import type { ChatMessage, Provider, TokenUsage } from './types';

/** Asks a provider for a summary of older turns (session compaction) and collects the streamed answer. */

export interface SummaryResult {
  text: string;
  provider: string;
  model: string;
  usage?: TokenUsage;
}

export interface SummariseOptions {
  signal?: AbortSignal;
  /** Caps the summary's length; compaction wants it short. */
  maxTokens?: number;
}

/** Long enough for a dense page of notes, short enough to free most of the budget. */
const DEFAULT_SUMMARY_MAX_TOKENS = 1_024;

export const SUMMARY_INSTRUCTIONS =
  'You compress conversations. Summarise the conversation you are given for your own later use: keep ' +
  "facts, decisions, names, numbers, open tasks and the user's stated preferences; drop small talk. " +
  'Write compact plain prose or bullet points, in the language of the conversation.';

export function formatTranscript(messages: readonly ChatMessage[]): string {
  const label = { system: 'System', user: 'User', assistant: 'Assistant' } as const;
  return messages.map((m) => `${label[m.role]}: ${m.content}`).join('\n\n');
}

export async function summarise(provider: Provider, messages: readonly ChatMessage[], options: SummariseOptions = {}): Promise<SummaryResult> {
  const stream = provider.stream({
    system: SUMMARY_INSTRUCTIONS,
    messages: [{ role: 'user', content: formatTranscript(messages) }],
    signal: options.signal ?? new AbortController().signal,
    maxTokens: options.maxTokens ?? DEFAULT_SUMMARY_MAX_TOKENS,
    purpose: 'summary',
  });
  let text = '';
  for await (const event of stream) {
    if (event.kind === 'delta') {
      text += event.text;
    } else {
      return { text: text.trim(), provider: event.provider, model: event.model, usage: event.usage };
    }
  }
  // Unreachable for a well-behaved provider (every stream ends with done or throws).
  throw new Error(`${provider.name} ended a summary without finishing it`);
}
