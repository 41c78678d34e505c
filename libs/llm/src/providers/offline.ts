import { setImmediate as nextTurn } from 'node:timers/promises';
import { CHARS_PER_TOKEN, OFFLINE_MODEL } from '../constants';
import { cancelledError } from '../timers';
import type { ChatMessage, Provider, StreamEvent, StreamRequest } from '../types';

/**
 * The built-in provider: no network, no key, same answer for the same request. It lets the whole
 * system run (and be tested) with nothing configured, and tells the person how to get a real model.
 */

export const OFFLINE_PROVIDER_NAME = 'offline';

/** Words per streamed piece: several pieces per answer, so clients exercise real streaming. */
const WORDS_PER_PIECE = 4;
/** A summary keeps this much of each earlier paragraph (compaction without a model). */
const SUMMARY_CHARS_PER_PARAGRAPH = 160;
/** Upper bound of an offline summary, so compaction always shrinks the history. */
const SUMMARY_MAX_CHARS = 4_000;

function lastUserMessage(messages: readonly ChatMessage[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].content;
  return undefined;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Extractive "summary": the head of every paragraph of the transcript, capped. */
function offlineSummary(request: StreamRequest): string {
  const transcript = lastUserMessage(request.messages) ?? '';
  const paragraphs = transcript
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const body = paragraphs.map((p) => `- ${clip(p, SUMMARY_CHARS_PER_PARAGRAPH)}`).join('\n');
  return clip(`Earlier conversation, trimmed by the offline provider (no model was used):\n${body}`, SUMMARY_MAX_CHARS);
}

function offlineChatReply(request: StreamRequest): string {
  const prompt = lastUserMessage(request.messages);
  const files = request.contextFiles ?? [];
  return [
    prompt === undefined ? 'You have not said anything yet.' : `You said: ${prompt}`,
    '',
    files.length > 0 ? `Context files loaded: ${files.join(', ')}.` : 'Context files loaded: none.',
    '',
    'This answer comes from the built-in offline provider: no language model was called. To talk to a ' +
      'real model, set DEEPSEEK_API_KEY, OPENAI_API_KEY or ANTHROPIC_API_KEY (or CLAWCHAT_LLM_PROVIDER=' +
      'openai-compatible with CLAWCHAT_LLM_BASE_URL for a local server) and restart clawchat-llm.',
  ].join('\n');
}

/** The full deterministic answer to a request. */
export function offlineReply(request: StreamRequest): string {
  return request.purpose === 'summary' ? offlineSummary(request) : offlineChatReply(request);
}

/** Splits a text into pieces that concatenate back to it exactly. */
export function splitIntoPieces(text: string, wordsPerPiece = WORDS_PER_PIECE): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerPiece) pieces.push(words.slice(i, i + wordsPerPiece).join(''));
  return pieces;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function createOfflineProvider(): Provider {
  return {
    name: OFFLINE_PROVIDER_NAME,
    model: OFFLINE_MODEL,
    async *stream(request: StreamRequest): AsyncGenerator<StreamEvent> {
      const reply = offlineReply(request);
      const pieces = splitIntoPieces(reply);
      for (let i = 0; i < pieces.length; i++) {
        // The answer is ready at once, so the first piece goes out at once; between pieces the event
        // loop gets a turn, like a network stream, so a cancel can land mid-answer.
        if (i > 0) await nextTurn();
        if (request.signal.aborted) throw cancelledError();
        yield { kind: 'delta', text: pieces[i] };
      }
      let inputChars = request.system.length;
      for (const message of request.messages) inputChars += message.content.length;
      yield {
        kind: 'done',
        provider: OFFLINE_PROVIDER_NAME,
        model: OFFLINE_MODEL,
        usage: { inputTokens: Math.ceil(inputChars / CHARS_PER_TOKEN), outputTokens: estimateTokens(reply) },
      };
    },
  };
}
