import { ProtocolError } from '@clawchat/protocol';
import type { DoneEvent, StreamEvent, StreamRequest } from '../types';

/** A distinctive key: if it shows up anywhere it should not, a test sees it. */
export const TEST_KEY = 'sk-test-SECRET-4f9c2a7e1b3d5a6c8e0f';

export interface Collected {
  deltas: string[];
  done?: DoneEvent;
  error?: ProtocolError;
}

export function chatRequest(overrides: Partial<StreamRequest> = {}): StreamRequest {
  return {
    system: 'You are a test assistant.',
    messages: [{ role: 'user', content: 'Say hello' }],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Drains a stream; `onDelta` runs as each delta arrives (to cancel or release a fake mid-stream). */
export async function collect(stream: AsyncIterable<StreamEvent>, onDelta?: (text: string, index: number) => void): Promise<Collected> {
  const result: Collected = { deltas: [] };
  try {
    for await (const event of stream) {
      if (event.kind === 'delta') {
        result.deltas.push(event.text);
        onDelta?.(event.text, result.deltas.length - 1);
      } else {
        result.done = event;
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    result.error = err;
  }
  return result;
}
