import { MAX_HISTORY_PAGE } from '@clawchat/protocol';
import { DEFAULT_HISTORY_TURNS } from '../constants';
import { FakeConnection, ok, requestError } from '../../testing/fake-connection';
import type { NewScrollbackItem } from '../state/scrollback';
import { parseSlashCommand, runSlashCommand } from './index';

function harness() {
  const conn = new FakeConnection();
  const items: NewScrollbackItem[] = [];
  let exited = false;
  const ctx = { conn, addScrollback: (...added: NewScrollbackItem[]) => void items.push(...added), exit: () => void (exited = true) };
  return { conn, items, ctx, exited: () => exited };
}

test('parses commands, and leaves paths and prose alone', () => {
  expect(parseSlashCommand('/history 5')).toEqual({ name: 'history', args: '5' });
  expect(parseSlashCommand('  /QUIT ')).toEqual({ name: 'quit', args: '' });
  expect(parseSlashCommand('/usr/bin/env is missing')).toBeNull();
  expect(parseSlashCommand('hello /help')).toBeNull();
});

test('/reset sends SESSION_RESET and says so', async () => {
  const h = harness();
  h.conn.answer('SESSION_RESET', () => ok({ archivedTurns: 3, startedAt: 1 }));
  expect(await runSlashCommand('/reset', h.ctx)).toBe(true);
  expect(h.conn.sent.map((m) => m.type)).toEqual(['SESSION_RESET']);
  expect(h.items[0].text).toBe('New conversation started (3 turns archived on the server).');
});

test('/history asks for the given number of turns and prints question and answer of each', async () => {
  const h = harness();
  const turn = (index: number, question: string, answer: string, cancelled?: boolean) => ({
    index,
    id: `c${index}`,
    question,
    answer,
    at: 1000 + index,
    provider: 'offline',
    model: 'echo',
    ...(cancelled ? { cancelled } : {}),
  });
  h.conn.answer('CHAT_HISTORY', () => ok({ turns: [turn(4, 'hi', '**hello**'), turn(5, 'stop', 'par', true)], more: true }));
  await runSlashCommand('/history 2', h.ctx);
  expect(h.conn.sent[0]).toMatchObject({ type: 'CHAT_HISTORY', limit: 2 });
  expect(h.items.map((i) => [i.kind, i.text])).toEqual([
    ['system', '── conversation history (2 turns, older ones not shown) ──'],
    ['user', 'hi'],
    ['assistant', '**hello**'],
    ['user', 'stop'],
    ['assistant', 'par'],
    ['system', 'Reply cancelled.'],
    ['system', '── end of history ──'],
  ]);
});

test('/history with something other than a number is a usage line, and asks the server nothing', async () => {
  const h = harness();
  h.conn.answer('CHAT_HISTORY', () => ok({ turns: [], more: false }));
  for (const bad of ['abc', '0', '-3', '2.5', '5 turns']) await runSlashCommand(`/history ${bad}`, h.ctx);
  expect(h.conn.sent).toHaveLength(0);
  expect(h.items).toHaveLength(5);
  for (const item of h.items) expect(item.text).toMatch(/^Usage: \/history \[N\]/);
  await runSlashCommand('/history', h.ctx);
  await runSlashCommand('/history 9999', h.ctx);
  expect(h.conn.sent.map((m) => m.limit)).toEqual([DEFAULT_HISTORY_TURNS, MAX_HISTORY_PAGE]);
  expect(h.conn.sent[1].limit).toBe(MAX_HISTORY_PAGE);
});

test('/history shows a malformed answer as an error instead of guessing', async () => {
  const h = harness();
  h.conn.answer('CHAT_HISTORY', () => ok({ turns: [{ role: 'user', text: 'hi' }] }));
  await runSlashCommand('/history', h.ctx);
  expect(h.items).toHaveLength(1);
  expect(h.items[0].kind).toBe('error');
  expect(h.items[0].text).toMatch(/malformed/);
});

test('/compromised needs "yes"; LLM_UNREACHABLE is shown as the fixed error line', async () => {
  const h = harness();
  await runSlashCommand('/compromised', h.ctx);
  expect(h.conn.compromisedReports).toBe(0);
  expect(h.items).toHaveLength(1);
  await runSlashCommand('/compromised yes', h.ctx);
  expect(h.conn.compromisedReports).toBe(1);
  // The closed connection's reason tells the user (App); the command adds no second line.
  expect(h.items).toHaveLength(1);
  expect(h.conn.status()).toMatchObject({ state: 'closed', reason: expect.stringMatching(/revoked/) });
  h.conn.answer('SESSION_RESET', () => {
    throw requestError('LLM_UNREACHABLE', 'relay cannot reach the llm server');
  });
  await runSlashCommand('/reset', h.ctx);
  expect(h.items[h.items.length - 1]).toEqual({ kind: 'error', text: '[Error: Cannot reach LLM server]' });
});

test('/quit exits; an unknown command is explained', async () => {
  const h = harness();
  await runSlashCommand('/quit', h.ctx);
  expect(h.exited()).toBe(true);
  await runSlashCommand('/nope', h.ctx);
  expect(h.items[0].text).toMatch(/Unknown command \/nope/);
});
