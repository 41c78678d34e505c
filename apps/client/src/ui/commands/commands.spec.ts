import { FakeConnection, requestError } from '../../testing/fake-connection';
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
  h.conn.answer('SESSION_RESET', () => ({ type: 'OK' }));
  expect(await runSlashCommand('/reset', h.ctx)).toBe(true);
  expect(h.conn.sent.map((m) => m.type)).toEqual(['SESSION_RESET']);
  expect(h.items[0].text).toMatch(/New conversation/);
});

test('/history asks for the given number of turns and prints them', async () => {
  const h = harness();
  h.conn.answer('CHAT_HISTORY', () => ({ type: 'OK', turns: [{ role: 'user', text: 'hi' }, { role: 'assistant', text: '**hello**' }] }));
  await runSlashCommand('/history 2', h.ctx);
  expect(h.conn.sent[0]).toMatchObject({ type: 'CHAT_HISTORY', limit: 2 });
  expect(h.items.map((i) => i.kind)).toEqual(['system', 'user', 'assistant', 'system']);
});

test('/compromised needs "yes"; LLM_UNREACHABLE is shown as the fixed error line', async () => {
  const h = harness();
  await runSlashCommand('/compromised', h.ctx);
  expect(h.conn.sent).toHaveLength(0);
  h.conn.answer('COMPROMISED', () => ({ type: 'OK' }));
  await runSlashCommand('/compromised yes', h.ctx);
  expect(h.conn.sent.map((m) => m.type)).toEqual(['COMPROMISED']);
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
