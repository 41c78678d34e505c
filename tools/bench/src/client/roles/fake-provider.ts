/**
 * An OpenAI-compatible chat server for the client benchmark (@clawchat/testing's, as in the TUI tests):
 * STREAM_QUESTION is answered with a long reply streamed at STREAM_BYTES_PER_SECOND; any other
 * question at once with QUICK_REPLY. It reports when it wrote the first and last piece, and every
 * question it was asked.
 */
import { performance } from 'node:perf_hooks';
import { startFakeChatServer } from '@clawchat/testing';
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

export async function runFakeProvider(): Promise<void> {
  const text = streamedReply(STREAM_REPLY_CHARS, STREAM_PARAGRAPH_CHARS);
  const server = await startFakeChatServer(
    (question, res) => {
      if (question !== STREAM_QUESTION) {
        res.write({ role: 'assistant', content: QUICK_REPLY });
        return res.finish();
      }
      // Sends what the rate allows by now on every tick, so timer jitter does not lower the rate.
      const startedAt = performance.now();
      let sent = 0;
      let firstAt = 0;
      const tick = () => {
        const due = Math.min(text.length, Math.round(((performance.now() - startedAt) / 1000) * STREAM_BYTES_PER_SECOND) + (STREAM_BYTES_PER_SECOND * STREAM_CHUNK_MS) / 1000);
        if (due > sent) {
          res.write({ content: text.slice(sent, due) });
          if (sent === 0) firstAt = epochNow();
          sent = due;
        }
        if (sent >= text.length) {
          clearInterval(timer);
          const lastAt = epochNow();
          res.finish();
          void reply({ type: 'stream', firstAt, lastAt, chars: sent, elapsedMs: performance.now() - startedAt });
        }
      };
      const timer = setInterval(tick, STREAM_CHUNK_MS);
      tick();
      res.onClose(() => clearInterval(timer));
    },
    { model: 'bench' },
  );
  onCommands(
    (m) => {
      if (m.type === 'questions') void reply({ type: 'questions', questions: server.questions });
    },
    () => server.close(),
  );
  await reply({ type: 'ready', port: server.port });
}
