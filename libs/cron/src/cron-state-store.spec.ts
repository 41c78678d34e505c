import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyJobState } from './cron-state';
import { CronStateStore } from './cron-state-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawchat-cron-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a missing file loads as empty state', async () => {
  const store = new CronStateStore(join(dir, 'nested', 'cron-state.json'));
  expect(await store.load()).toEqual({ state: { version: 1, jobs: {} }, warning: null });
});

test('saves atomically (no temp files left) and loads back; the last save wins', async () => {
  const file = join(dir, 'state', 'cron-state.json');
  const store = new CronStateStore(file);
  const saves = [1, 2, 3].map((failures) => store.save({ version: 1, jobs: { J: { ...emptyJobState(), failures } } }));
  await Promise.all(saves);
  expect((await store.load()).state.jobs.J.failures).toBe(3);
  expect(readdirSync(join(dir, 'state'))).toEqual(['cron-state.json']);
});

test('a corrupt file is moved aside, never deleted, and reported', async () => {
  const file = join(dir, 'cron-state.json');
  writeFileSync(file, '{"version": 1, "jobs": {');
  const { state, warning } = await new CronStateStore(file).load();
  expect(state.jobs).toEqual({});
  expect(warning).toMatch(/unreadable .* kept it as .*cron-state\.json\.corrupt-/);
  const aside = readdirSync(dir).find((name) => name.startsWith('cron-state.json.corrupt-'));
  expect(aside).toBeDefined();
  expect(readFileSync(join(dir, aside as string), 'utf8')).toBe('{"version": 1, "jobs": {');
});
