/**
 * A local OpenAI-compatible chat server for the TUI tests. The offline provider answers at once, so
 * a reply that streams visibly (and can be cancelled half-way) needs a provider of our own: a message
 * containing SLOW_TRIGGER is answered word by word every WORD_INTERVAL_MS; anything else (a short
 * chat turn, a cron run) gets QUICK_REPLY immediately. The server itself is @clawchat/testing's.
 */
import { startFakeChatServer } from '@clawchat/testing';

export const SLOW_TRIGGER = 'story';
/** The slow reply, one word at a time; long enough (several seconds) to be cancelled half-way. */
export const SLOW_WORDS = Array.from({ length: 80 }, (_, i) => `word${i + 1}`);
export const WORD_INTERVAL_MS = 100;
export const QUICK_REPLY = 'Quick answer from the fake model.';

export interface FakeProvider {
  baseUrl: string;
  /** Requests whose client went away before the reply was complete (a cancelled generation). */
  aborted: number;
  /** The last user message of every request, in order. */
  questions: string[];
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  let aborted = 0;
  const server = await startFakeChatServer(
    (question, reply) => {
      if (!question.includes(SLOW_TRIGGER)) {
        reply.write({ role: 'assistant', content: QUICK_REPLY });
        return reply.finish();
      }
      let next = 0;
      const timer = setInterval(() => {
        if (next >= SLOW_WORDS.length) {
          clearInterval(timer);
          return reply.finish();
        }
        reply.write({ content: `${next === 0 ? '' : ' '}${SLOW_WORDS[next++]}` });
      }, WORD_INTERVAL_MS);
      reply.onClose(() => {
        if (next < SLOW_WORDS.length) aborted++;
        clearInterval(timer);
      });
    },
    { model: 'fake' },
  );
  return {
    baseUrl: server.baseUrl,
    get aborted() {
      return aborted;
    },
    get questions() {
      return server.questions;
    },
    close: () => server.close(),
  };
}
