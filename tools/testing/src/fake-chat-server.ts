/**
 * A local OpenAI-compatible chat completions server (streaming only), for tests and benchmarks that
 * need a provider whose timing they control: the LLM server is pointed at `baseUrl` with the
 * openai-compatible provider. How each question is answered is up to the caller's handler.
 */
import http from 'node:http';

export interface ReplyStream {
  /** Sends one piece of the reply (an OpenAI chat.completion.chunk delta). */
  write(delta: { role?: string; content?: string }): void;
  /** Ends the reply: a final chunk with finish_reason "stop", then [DONE]. */
  finish(): void;
  /** Called once when the connection closes: after finish(), or when the client went away half-way. */
  onClose(listener: () => void): void;
}

/** Answers one request; `question` is the text of the last user message ('' when there is none), `body` the raw request. */
export type ChatHandler = (question: string, reply: ReplyStream, body: string) => void;

export interface FakeChatServer {
  port: number;
  /** The base URL for CLAWCHAT_LLM_BASE_URL (ends in /v1). */
  baseUrl: string;
  /** The last user message of every request, in order. */
  readonly questions: string[];
  close(): Promise<void>;
}

/** The text of the last user message in a chat completions request body; '' when there is none or it is not JSON. */
export function lastUserText(body: string): string {
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

/** One server-sent event carrying a chat.completion.chunk. */
export function sseChunk(model: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** Starts the server on 127.0.0.1 and a free port; `model` is the name the chunks carry. */
export async function startFakeChatServer(handler: ChatHandler, o: { model?: string } = {}): Promise<FakeChatServer> {
  const model = o.model ?? 'fake';
  const questions: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const question = lastUserText(body);
      questions.push(question);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const reply: ReplyStream = {
        write: (delta) => res.write(sseChunk(model, delta)),
        finish: () => {
          res.write(sseChunk(model, {}, 'stop'));
          res.end('data: [DONE]\n\n');
        },
        onClose: (listener) => res.on('close', listener),
      };
      handler(question, reply, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/v1`,
    questions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
