/**
 * An OpenAI-compatible chat server for the client benchmark (like e2e/src/tui/fake-provider.ts):
 * STREAM_QUESTION is answered with a long reply streamed at STREAM_BYTES_PER_SECOND; any other
 * question at once with QUICK_REPLY. It reports when it wrote the first and last piece, and every
 * question it was asked.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { onCommands, reply } from '../../shared/worker-side';
import { QUICK_REPLY, STREAM_BYTES_PER_SECOND, STREAM_CHUNK_MS, STREAM_END_MARKER, STREAM_PARAGRAPH_CHARS, STREAM_QUESTION, STREAM_REPLY_CHARS, STREAM_START_MARKER } from '../constants';

/** A wall-clock time with sub-millisecond resolution that other processes can compare with theirs. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** The reply: paragraphs of plain words separated by blank lines, starting and ending with the markers. */
export function streamedReply(chars: number, paragraphChars: number): string {
  const words = ['the', 'relay', 'forwards', 'every', 'piece', 'of', 'the', 'answer', 'as', 'it', 'arrives', 'from', 'the', 'model'];
  const parts: string[] = [STREAM_START_MARKER];
  let length = STREAM_START_MARKER.length;
  let paragraph = STREAM_START_MARKER.length;
  let i = 0;
  const end = ` ${STREAM_END_MARKER}`;
  while (length < chars - end.length - 20) {
    const word = paragraph >= paragraphChars ? `\n\nParagraph ${i}:` : ` ${words[i % words.length]}`;
    paragraph = word.startsWith('\n') ? word.length - 2 : paragraph + word.length;
    parts.push(word);
    length += word.length;
    i++;
  }
  parts.push(end);
  return parts.join('');
}

function lastUserText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { messages?: { role: string; content: unknown }[] };
    const users = (parsed.messages ?? []).filter((m) => m.role === 'user');
    const content = users[users.length - 1]?.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.map((p: { text?: string }) => p.text ?? '').join('');
  } catch {
    // not JSON: answered like any other question
  }
  return '';
}

const sse = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

export async function runFakeProvider(): Promise<void> {
  const questions: string[] = [];
  const text = streamedReply(STREAM_REPLY_CHARS, STREAM_PARAGRAPH_CHARS);
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const question = lastUserText(body);
      questions.push(question);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const finish = () => {
        res.write(sse({}, 'stop'));
        res.end('data: [DONE]\n\n');
      };
      if (question !== STREAM_QUESTION) {
        res.write(sse({ role: 'assistant', content: QUICK_REPLY }));
        return finish();
      }
      // Sends what the rate allows by now on every tick, so timer jitter does not lower the rate.
      const startedAt = performance.now();
      let sent = 0;
      let firstAt = 0;
      const tick = () => {
        const due = Math.min(text.length, Math.round(((performance.now() - startedAt) / 1000) * STREAM_BYTES_PER_SECOND) + (STREAM_BYTES_PER_SECOND * STREAM_CHUNK_MS) / 1000);
        if (due > sent) {
          res.write(sse({ content: text.slice(sent, due) }));
          if (sent === 0) firstAt = epochNow();
          sent = due;
        }
        if (sent >= text.length) {
          clearInterval(timer);
          const lastAt = epochNow();
          finish();
          void reply({ type: 'stream', firstAt, lastAt, chars: sent, elapsedMs: performance.now() - startedAt });
        }
      };
      const timer = setInterval(tick, STREAM_CHUNK_MS);
      tick();
      res.on('close', () => clearInterval(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onCommands(
    (m) => {
      if (m.type === 'questions') void reply({ type: 'questions', questions });
    },
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  await reply({ type: 'ready', port: (server.address() as { port: number }).port });
}
