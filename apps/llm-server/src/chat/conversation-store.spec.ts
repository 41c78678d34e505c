import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../log';
import { ConversationStore, type NewTurn } from './conversation-store';
import { parseSessionFile } from './session-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const turn = (n: number, extra: Partial<NewTurn> = {}): NewTurn => ({
  id: `id-${n}`,
  question: `question ${n}`,
  answer: `answer ${n}`,
  at: 1_000 + n,
  provider: 'offline',
  model: 'offline',
  ...extra,
});

async function storeWith(count: number, log = memoryLogger()): Promise<ConversationStore> {
  const store = await ConversationStore.open({ stateDir: dir, log, now: () => 5_000 });
  for (let i = 0; i < count; i++) store.appendTurn(turn(i));
  await store.save();
  return store;
}

test('turns are written to llm_session.json and read back after a restart', async () => {
  const store = await storeWith(3);
  const onDisk = parseSessionFile(readFileSync(join(dir, 'llm_session.json'), 'utf8'));
  expect(onDisk.turns.map((t) => t.id)).toEqual(['id-0', 'id-1', 'id-2']);
  expect(onDisk.nextIndex).toBe(3);
  expect(store.findTurn('id-1')?.index).toBe(1);

  const reopened = await ConversationStore.open({ stateDir: dir, log: memoryLogger() });
  expect(reopened.turnCount).toBe(3);
  expect(reopened.startedAt).toBe(store.startedAt);
  expect(reopened.findTurn('id-2')).toMatchObject({ index: 2, answer: 'answer 2' });
});

test('a write is atomic: temp file, rename; no temp file stays behind and stale ones are cleaned up', async () => {
  await storeWith(1);
  expect(readdirSync(dir).sort()).toEqual(['llm_session.json']);
  // A crash mid-write leaves a temp file next to the intact session: the next start removes it.
  writeFileSync(join(dir, '.llm_session.json.4242.deadbeef.tmp'), '{"half');
  const reopened = await ConversationStore.open({ stateDir: dir, log: memoryLogger() });
  expect(readdirSync(dir)).toEqual(['llm_session.json']);
  expect(reopened.turnCount).toBe(1);
});

test('saves are queued and coalesced: every appended turn is on disk when save() resolves', async () => {
  const store = await storeWith(0);
  const saves: Promise<void>[] = [];
  for (let i = 0; i < 20; i++) {
    store.appendTurn(turn(i));
    saves.push(store.save());
  }
  await Promise.all(saves);
  expect(parseSessionFile(readFileSync(store.file, 'utf8')).turns).toHaveLength(20);
});

test('a corrupt session file is moved aside (kept, not deleted), logged, and a fresh conversation starts', async () => {
  writeFileSync(join(dir, 'llm_session.json'), '{"version":1,"turns":[{"broken"');
  const log = memoryLogger();
  const store = await ConversationStore.open({ stateDir: dir, log, now: () => Date.UTC(2024, 4, 1, 12, 0, 0) });
  expect(store.turnCount).toBe(0);
  const aside = readdirSync(dir).filter((n) => n.startsWith('llm_session.corrupt-'));
  expect(aside).toEqual(['llm_session.corrupt-2024-05-01T12-00-00-000Z.json']);
  expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe('{"version":1,"turns":[{"broken"');
  expect(log.lines.some((l) => l.includes('warn chat') && l.includes(aside[0]))).toBe(true);
});

test('a file that is valid JSON but not a session (wrong shape) counts as corrupt too', async () => {
  writeFileSync(join(dir, 'llm_session.json'), JSON.stringify({ version: 1, startedAt: 1, nextIndex: 0, summary: null, turns: [{ index: 'x' }] }));
  const store = await ConversationStore.open({ stateDir: dir, log: memoryLogger() });
  expect(store.turnCount).toBe(0);
  expect(readdirSync(dir).some((n) => n.startsWith('llm_session.corrupt-'))).toBe(true);
});

test('compaction archives the oldest turns (append-only) and keeps the summary; history still pages through them', async () => {
  const store = await storeWith(5);
  await store.compact(3, 'they talked about 0, 1 and 2');
  expect(store.turns.map((t) => t.index)).toEqual([3, 4]);
  expect(store.summary).toMatchObject({ text: 'they talked about 0, 1 and 2', throughIndex: 2 });
  expect(store.findTurn('id-0')).toBeUndefined();
  const archive = readFileSync(store.archiveFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(archive).toHaveLength(1);
  expect(archive[0]).toMatchObject({ kind: 'compaction', conversation: store.startedAt, summary: null });
  expect(archive[0].turns.map((t: { id: string }) => t.id)).toEqual(['id-0', 'id-1', 'id-2']);

  // The summary survives a restart.
  const reopened = await ConversationStore.open({ stateDir: dir, log: memoryLogger() });
  expect(reopened.summary?.text).toBe('they talked about 0, 1 and 2');
  expect(reopened.turnCount).toBe(5);

  const newest = await reopened.history(undefined, 2);
  expect(newest).toEqual({ turns: [expect.objectContaining({ index: 3 }), expect.objectContaining({ index: 4 })], more: true });
  const older = await reopened.history(3, 2);
  expect(older).toEqual({ turns: [expect.objectContaining({ index: 1, id: 'id-1' }), expect.objectContaining({ index: 2 })], more: true });
  const oldest = await reopened.history(1, 2);
  expect(oldest).toEqual({ turns: [expect.objectContaining({ index: 0, question: 'question 0' })], more: false });

  // A second compaction appends; the first line stays as it was.
  const before = readFileSync(store.archiveFile, 'utf8');
  reopened.appendTurn(turn(5));
  await reopened.compact(1, 'more');
  expect(readFileSync(store.archiveFile, 'utf8').startsWith(before)).toBe(true);
});

test('history pages hide internals and report whether older turns exist', async () => {
  const store = await storeWith(0);
  store.appendTurn(turn(0, { attached: 'file text', usage: { inputTokens: 1, outputTokens: 2 }, cancelled: true }));
  store.appendTurn(turn(1));
  const page = await store.history(undefined, 10);
  expect(page.more).toBe(false);
  expect(page.turns[0]).toEqual({ index: 0, id: 'id-0', question: 'question 0', answer: 'answer 0', at: 1000, provider: 'offline', model: 'offline', cancelled: true });
  expect(await store.history(undefined, 1)).toEqual({ turns: [expect.objectContaining({ index: 1 })], more: true });
});

test('SESSION_RESET archives the conversation and starts an empty one', async () => {
  const store = await storeWith(4);
  const result = await store.reset();
  expect(result.archivedTurns).toBe(4);
  expect(store.turnCount).toBe(0);
  expect(store.startedAt).toBe(result.startedAt);
  expect(store.findTurn('id-0')).toBeUndefined();
  const archive = readFileSync(store.archiveFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(archive[archive.length - 1]).toMatchObject({ kind: 'reset' });
  expect(archive[archive.length - 1].turns).toHaveLength(4);
  expect(parseSessionFile(readFileSync(store.file, 'utf8')).turns).toEqual([]);
  // The old conversation's turns do not leak into the new one's history.
  expect(await store.history(undefined, 10)).toEqual({ turns: [], more: false });
});
