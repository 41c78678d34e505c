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

function turnMessages(turn: StoredTurn): [LlmMessage, LlmMessage] {
  return [
    { role: 'user', content: userContent(turn.question, turn.attached) },
    { role: 'assistant', content: turn.answer || EMPTY_REPLY_PLACEHOLDER },
  ];
}

/**
 * The live turns as provider messages, kept between turns: a conversation of a thousand turns would
 * otherwise rebuild two thousand message objects before every reply starts. Stored turns are never
 * changed, only appended or dropped from the front (compaction, reset), so the cache is reused while
 * it is a prefix of the current turns (same objects) and rebuilt otherwise.
 */
export class PromptHistory {
  private first: StoredTurn | undefined;
  private last: StoredTurn | undefined;
  private count = 0;
  private messages: LlmMessage[] = [];

  messagesFor(turns: readonly StoredTurn[]): readonly LlmMessage[] {
    const reusable = this.count === 0 || (this.count <= turns.length && turns[0] === this.first && turns[this.count - 1] === this.last);
    if (!reusable) {
      this.messages = [];
      this.count = 0;
    }
    for (let i = this.count; i < turns.length; i++) this.messages.push(...turnMessages(turns[i]));
    this.count = turns.length;
    this.first = turns[0];
    this.last = turns[turns.length - 1];
    return this.messages;
  }
}

export function historyMessages(turns: readonly StoredTurn[]): LlmMessage[] {
  return turns.flatMap(turnMessages);
}

export function buildPrompt(
  contextPrompt: string,
  summary: ConversationSummary | null,
  history: readonly LlmMessage[],
  question: string,
): { system: string; messages: LlmMessage[] } {
  return { system: systemPrompt(contextPrompt, summary), messages: [...history, { role: 'user', content: question }] };
}
