import type { ServerResponse } from 'node:http';
import { cutConnection, startSse, type Script } from './fake-http';

/** Anthropic Messages streaming wire format: named SSE events, as the real API sends them. */

export function writeEvent(res: ServerResponse, event: string, data: Record<string, unknown>): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
}

function writeOpening(res: ServerResponse, pieces: readonly string[], inputTokens: number): void {
  startSse(res, { 'request-id': 'req_fake' });
  writeEvent(res, 'message_start', {
    message: {
      id: 'msg_fake1',
      type: 'message',
      role: 'assistant',
      content: [],
      model: 'claude-fake',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  });
  writeEvent(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  writeEvent(res, 'ping', {});
  for (const text of pieces) writeEvent(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
}

export function anthropicStream(pieces: readonly string[], usage = { input: 25, output: 15 }): Script {
  return ({ res }) => {
    writeOpening(res, pieces, usage.input);
    writeEvent(res, 'content_block_stop', { index: 0 });
    writeEvent(res, 'message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } });
    writeEvent(res, 'message_stop', {});
    res.end();
  };
}

/** An error in Anthropic's JSON error format. */
export function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}): Script {
  return ({ res }) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_fake', ...headers });
    res.end(JSON.stringify({ type: 'error', error: { type, message } }));
  };
}

/** A 200 stream that carries an `event: error` after `pieces` (e.g. overloaded_error mid-answer). */
export function anthropicStreamError(pieces: readonly string[], type: string, message: string): Script {
  return ({ res }) => {
    writeOpening(res, pieces, 25);
    res.write(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`);
    res.end();
  };
}

export function anthropicCutAfter(pieces: readonly string[], release: Promise<void>): Script {
  return async ({ res }) => {
    writeOpening(res, pieces, 25);
    await release;
    cutConnection(res);
  };
}

export function anthropicHang(pieces: readonly string[]): Script {
  return ({ res }) => writeOpening(res, pieces, 25);
}

/** A 200 stream whose body ends cleanly but without message_stop (a proxy cut it). */
export function anthropicTruncated(pieces: readonly string[]): Script {
  return ({ res }) => {
    writeOpening(res, pieces, 25);
    res.end();
  };
}
