import type { ServerResponse } from 'node:http';
import { cutConnection, startSse, type Script } from './fake-http';

/** OpenAI Chat Completions wire format (also DeepSeek's and the local servers'), as the real API sends it. */

const CREATED = 1_700_000_000;

export function chunk(delta: Record<string, unknown>, finishReason: string | null = null, model = 'fake-model'): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake1',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

export function usageChunk(promptTokens: number, completionTokens: number, model = 'fake-model'): Record<string, unknown> {
  return {
    id: 'chatcmpl-fake1',
    object: 'chat.completion.chunk',
    created: CREATED,
    model,
    choices: [],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

export function writeData(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

function writeOpening(res: ServerResponse, pieces: readonly string[]): void {
  startSse(res);
  writeData(res, chunk({ role: 'assistant', content: '' }));
  for (const text of pieces) writeData(res, chunk({ content: text }));
}

/** A complete streamed answer: role chunk, content chunks, finish chunk, usage chunk, [DONE]. */
export function openAiStream(pieces: readonly string[], usage = { prompt: 11, completion: 7 }): Script {
  return ({ res }) => {
    writeOpening(res, pieces);
    writeData(res, chunk({}, 'stop'));
    writeData(res, usageChunk(usage.prompt, usage.completion));
    writeData(res, '[DONE]');
    res.end();
  };
}

/** An error in OpenAI's JSON error format. */
export function openAiError(status: number, message: string, type = 'invalid_request_error', headers: Record<string, string> = {}): Script {
  return ({ res }) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fake', ...headers });
    res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
  };
}

/** Streams `pieces`, waits for `release` (the test saw them), then destroys the socket mid-stream. */
export function openAiCutAfter(pieces: readonly string[], release: Promise<void>): Script {
  return async ({ res }) => {
    writeOpening(res, pieces);
    await release;
    cutConnection(res);
  };
}

/** Streams `pieces` and then stays silent with the connection open. */
export function openAiHang(pieces: readonly string[]): Script {
  return ({ res }) => writeOpening(res, pieces);
}

/** A 200 stream whose body ends cleanly but without finish_reason or [DONE] (a proxy cut it). */
export function openAiTruncated(pieces: readonly string[]): Script {
  return ({ res }) => {
    writeOpening(res, pieces);
    res.end();
  };
}
