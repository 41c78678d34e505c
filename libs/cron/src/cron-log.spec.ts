import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CronLog, jobSlug, type CronRunRecord } from './cron-log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawchat-cron-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (job: string, n: number, output = `answer ${n}`): CronRunRecord => ({
  runId: `${job}-${n}`,
  job,
  reason: 'schedule',
  startedAt: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
  finishedAt: new Date(Date.UTC(2024, 0, 1, 0, n, 30)).toISOString(),
  ok: n % 2 === 0,
  output,
});

test('job names become file-name-safe slugs', () => {
  expect(jobSlug('Morning briefing')).toBe('morning-briefing');
  expect(jobSlug('  Café / Daily!! ')).toBe('cafe-daily');
  expect(jobSlug('日报')).toMatch(/^job-[0-9a-f]{12}$/);
  expect(jobSlug('日报')).not.toBe(jobSlug('周报'));
  expect(jobSlug('x'.repeat(300)).length).toBeLessThanOrEqual(64);
});

test('appends JSON lines per job and reads the newest first', async () => {
  const log = new CronLog(join(dir, 'logs', 'cron'));
  for (let n = 1; n <= 5; n++) await log.append(record('Morning briefing', n));
  await log.append(record('Other', 1));
  const file = join(dir, 'logs', 'cron', 'morning-briefing.jsonl');
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);
  const recent = await log.readRecent('Morning briefing', 3);
  expect(recent.map((r) => r.runId)).toEqual(['Morning briefing-5', 'Morning briefing-4', 'Morning briefing-3']);
  expect(await log.readRecent('Never ran', 10)).toEqual([]);
});

test('skips a torn last line instead of failing', async () => {
  const log = new CronLog(dir);
  await log.append(record('J', 1));
  writeFileSync(log.fileFor('J'), `${readFileSync(log.fileFor('J'), 'utf8')}{"runId":"J-2","jo`);
  expect((await log.readRecent('J', 10)).map((r) => r.runId)).toEqual(['J-1']);
});

test('stays bounded: over the limit it keeps the newest half, whole lines only', async () => {
  const maxBytes = 4096;
  const log = new CronLog(dir, { maxBytes });
  for (let n = 1; n <= 200; n++) await log.append(record('J', n, `output ${n} ${'x'.repeat(40)}`));
  const file = log.fileFor('J');
  expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  const ids = lines.map((line) => (JSON.parse(line) as CronRunRecord).runId);
  expect(ids[ids.length - 1]).toBe('J-200'); // the newest survives
  expect(ids).not.toContain('J-1'); // the oldest went
  const numbers = ids.map((id) => Number(id.slice(2)));
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b)); // still in order, no gaps
  expect(numbers[numbers.length - 1] - numbers[0] + 1).toBe(numbers.length);
});

test('cuts a huge output with a visible marker', async () => {
  const log = new CronLog(dir, { maxOutputChars: 100 });
  await log.append(record('J', 1, 'y'.repeat(250)));
  const [stored] = await log.readRecent('J', 1);
  expect(stored.outputTruncated).toBe(true);
  expect(stored.output).toBe(`${'y'.repeat(100)}\n[... 150 characters cut from this run's output ...]`);
});

test('a single record larger than half the limit is kept rather than emptying the file', async () => {
  const log = new CronLog(dir, { maxBytes: 1000, maxOutputChars: 10_000 });
  await log.append(record('J', 1));
  await log.append(record('J', 2, 'z'.repeat(2000)));
  expect((await log.readRecent('J', 5)).map((r) => r.runId)).toEqual(['J-2']);
});
