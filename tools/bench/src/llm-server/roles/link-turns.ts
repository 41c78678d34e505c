/**
 * Turn overhead over the local link: PING round trips (the baseline: same link, same processes, no
 * chat work) and CHAT turns with the offline provider, plus the offline provider alone in this process.
 */
import { performance } from 'node:perf_hooks';
import { createOfflineProvider } from '@clawchat/llm';
import type { Message } from '@clawchat/protocol';
import { onCommands, reply } from '../../shared/worker-side';
import { LinkClient } from '../link-client';

export interface LinkTurnsConfig {
  port: number;
  /** The local key, base64 (as in <state>/local.key). */
  key: string;
  warmupTurns: number;
  turns: number;
}

const CLIENT = 1;

function roundTrip(link: LinkClient, send: (id: string) => void, endType: string): Promise<{ firstMs: number; doneMs: number }> {
  return new Promise((resolve, reject) => {
    const id = link.newId();
    let firstMs = -1;
    const start = performance.now();
    link.onMessage = (m: Message) => {
      if ((m as { re?: string }).re !== id) return;
      if (m.type === 'CHAT_DELTA' && firstMs < 0) firstMs = performance.now() - start;
      else if (m.type === endType) resolve({ firstMs, doneMs: performance.now() - start });
      else if (m.type === 'ERROR') reject(new Error(`request failed: ${m.code} ${m.message}`));
    };
    send(id);
  });
}

const ping = (link: LinkClient) => roundTrip(link, (id) => link.send(CLIENT, { type: 'PING', id, t: Date.now() }), 'PONG');
const chat = (link: LinkClient, text: string) => roundTrip(link, (id) => link.send(CLIENT, { type: 'CHAT', id, text }), 'CHAT_DONE');

/** The offline provider's whole reply to one question, streamed in this process: the floor of a turn. */
async function providerAlone(text: string): Promise<number> {
  const provider = createOfflineProvider();
  const start = performance.now();
  const stream = provider.stream({
    system: 'bench',
    messages: [{ role: 'user', content: text }],
    signal: new AbortController().signal,
    contextFiles: ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md'],
  });
  for await (const event of stream) void event;
  return performance.now() - start;
}

export async function runLinkTurns(c: LinkTurnsConfig): Promise<void> {
  const link = await LinkClient.connect(c.port, Buffer.from(c.key, 'base64'));
  onCommands(() => undefined, () => link.close());
  link.open(CLIENT);
  const question = (i: number) => `benchmark turn ${i}: what is the weather like?`;
  for (let i = 0; i < c.warmupTurns; i++) {
    await ping(link);
    await chat(link, `warm-up ${question(i)}`);
    await providerAlone(question(i));
  }
  // The orchestrator reads the server's CPU time at each mark, to charge the chat turns alone.
  const pingMs: number[] = [];
  for (let i = 0; i < c.turns; i++) pingMs.push((await ping(link)).doneMs);
  await reply({ type: 'mark', name: 'chat-start' });
  const firstMs: number[] = [];
  const doneMs: number[] = [];
  for (let i = 0; i < c.turns; i++) {
    const t = await chat(link, question(i));
    if (t.firstMs < 0) throw new Error(`turn ${i} ended without a CHAT_DELTA`);
    firstMs.push(t.firstMs);
    doneMs.push(t.doneMs);
  }
  await reply({ type: 'mark', name: 'chat-end' });
  const providerMs: number[] = [];
  for (let i = 0; i < c.turns; i++) providerMs.push(await providerAlone(question(i)));
  await reply({ type: 'turns', pingMs, firstMs, doneMs, providerMs });
}
