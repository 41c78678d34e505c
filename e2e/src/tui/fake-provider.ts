/**
 * A local OpenAI-compatible chat server for the TUI tests. The offline provider answers at once, so
 * a reply that streams visibly (and can be cancelled half-way) needs a provider of our own: a message
 * containing SLOW_TRIGGER is answered word by word every WORD_INTERVAL_MS; anything else (a short
 * chat turn, a cron run) gets QUICK_REPLY immediately.
 */
import http from 'node:http';

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

function lastUserText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const users = (parsed.messages ?? []).filter((m) => m.role === 'user');
    const content = users[users.length - 1]?.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('');
  } catch {
    // not JSON: answered quickly like any other question
  }
  return '';
}

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function startFakeProvider(): Promise<FakeProvider> {
  const state = { aborted: 0, questions: [] as string[] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const question = lastUserText(body);
      state.questions.push(question);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const finish = () => {
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
      };
      if (!question.includes(SLOW_TRIGGER)) {
        res.write(chunk({ role: 'assistant', content: QUICK_REPLY }));
        return finish();
      }
      let next = 0;
      const timer = setInterval(() => {
        if (next >= SLOW_WORDS.length) {
          clearInterval(timer);
          return finish();
        }
        res.write(chunk({ content: `${next === 0 ? '' : ' '}${SLOW_WORDS[next++]}` }));
      }, WORD_INTERVAL_MS);
      res.on('close', () => {
        if (next < SLOW_WORDS.length) state.aborted++;
        clearInterval(timer);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get aborted() {
      return state.aborted;
    },
    get questions() {
      return state.questions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
