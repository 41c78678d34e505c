/**
 * The session side of the round-trip figure: a client → relay → LLM server chat, one turn at a time.
 * Each turn's clock starts when the CHAT is handed to the session and stops at the first CHAT_DELTA
 * and at CHAT_DONE.
 */
import { performance } from 'node:perf_hooks';
import { CATALOGUE_VERSION, type Message } from '@clawchat/protocol';
import { onCommands, reply } from '../../shared/worker-side';
import { SessionClient } from '../session-client';

export interface ChatClientConfig {
  secFile: string;
  bootstrapKey: string;
  warmupTurns: number;
  turns: number;
}

/** Set by tools/bench/datagram-trace.cjs in the traced run only: stamps the turn's own moments. */
const traceMark = (globalThis as { __benchTraceMark?: (kind: 'C' | 'D') => void }).__benchTraceMark ?? (() => undefined);

function oneTurn(client: SessionClient, text: string): Promise<{ firstMs: number; doneMs: number }> {
  return new Promise((resolve, reject) => {
    let firstMs = -1;
    let id = '';
    const start = performance.now();
    client.onMessage = (m: Message) => {
      if ((m as { re?: string }).re !== id) return;
      if (m.type === 'CHAT_DELTA' && firstMs < 0) {
        firstMs = performance.now() - start;
        traceMark('D');
      }
      else if (m.type === 'CHAT_DONE') resolve({ firstMs, doneMs: performance.now() - start });
      else if (m.type === 'ERROR') reject(new Error(`chat turn failed: ${m.code} ${m.message}`));
    };
    traceMark('C');
    id = client.send({ type: 'CHAT', text });
  });
}

async function ping(client: SessionClient): Promise<number> {
  const start = performance.now();
  await client.request({ type: 'PING', t: Date.now() }, ['PONG', 'ERROR']);
  return performance.now() - start;
}

/** The cheapest request the LLM server answers: the same four hops as a chat, without the turn's work. */
async function hello(client: SessionClient): Promise<number> {
  const start = performance.now();
  const answer = await client.request({ type: 'HELLO', version: CATALOGUE_VERSION, client: 'clawchat-bench', capabilities: [] }, ['WELCOME', 'ERROR']);
  if (answer.type !== 'WELCOME') throw new Error(`HELLO was answered with ${answer.type}`);
  return performance.now() - start;
}

export async function runChatClient(c: ChatClientConfig): Promise<void> {
  const client = await SessionClient.fromSec(c.secFile, c.bootstrapKey);
  onCommands(() => undefined, () => client.close());
  // Warm-up: JIT, the LLM server's context cache, the conversation file's first writes.
  for (let i = 0; i < c.warmupTurns; i++) {
    await oneTurn(client, `warm-up turn ${i}`);
    await ping(client);
    await hello(client);
  }
  // The orchestrator reads the apps' CPU time at each mark, so it can charge the turns alone.
  await reply({ type: 'mark', name: 'turns-start' });
  const firstMs: number[] = [];
  const doneMs: number[] = [];
  for (let i = 0; i < c.turns; i++) {
    const t = await oneTurn(client, `benchmark turn ${i}: what is the weather like?`);
    if (t.firstMs < 0) throw new Error(`turn ${i} ended without a CHAT_DELTA`);
    firstMs.push(t.firstMs);
    doneMs.push(t.doneMs);
  }
  await reply({ type: 'mark', name: 'turns-end' });
  const pingMs: number[] = [];
  for (let i = 0; i < c.turns; i++) pingMs.push(await ping(client));
  const helloMs: number[] = [];
  for (let i = 0; i < c.turns; i++) helloMs.push(await hello(client));
  await reply({ type: 'turns', firstMs, doneMs, pingMs, helloMs });
}
