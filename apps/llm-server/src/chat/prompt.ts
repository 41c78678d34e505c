/**
 * What the provider sees for a turn: the context files and the summary of compacted turns as the
 * system prompt, then the live turns as alternating user/assistant messages, then the new question.
 */
import type { ChatMessage as LlmMessage } from '@clawchat/llm';
import type { ConversationSummary, StoredTurn } from './session-file';

/** Stands in for an empty reply (cancelled before the first word): providers refuse empty messages. */
export const EMPTY_REPLY_PLACEHOLDER = '[no reply: the person cancelled it]';

export function userContent(question: string, attached?: string): string {
  return attached ? `${question}${attached}` : question;
}

export function systemPrompt(contextPrompt: string, summary: ConversationSummary | null): string {
  if (!summary) return contextPrompt;
  const heading = '## Summary of the earlier conversation';
  return contextPrompt ? `${contextPrompt}\n\n${heading}\n\n${summary.text}` : `${heading}\n\n${summary.text}`;
}

export function historyMessages(turns: readonly StoredTurn[]): LlmMessage[] {
  const messages: LlmMessage[] = [];
  for (const turn of turns) {
    messages.push({ role: 'user', content: userContent(turn.question, turn.attached) });
    messages.push({ role: 'assistant', content: turn.answer || EMPTY_REPLY_PLACEHOLDER });
  }
  return messages;
}

export function buildPrompt(
  contextPrompt: string,
  summary: ConversationSummary | null,
  turns: readonly StoredTurn[],
  question: string,
): { system: string; messages: LlmMessage[] } {
  return { system: systemPrompt(contextPrompt, summary), messages: [...historyMessages(turns), { role: 'user', content: question }] };
}
