import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOfflineProvider, type Provider } from '@clawchat/llm';
import { ProtocolError, type CronEventMessage } from '@clawchat/protocol';
import { memoryLogger } from '../log';
import { FakeOutbox } from '../testing/fake-outbox';
import { CronService } from './cron-service';

const CRON = [
  '# Jobs',
  '<!-- documentation the parser ignores -->',
  '## Morning',
  'schedule: 0 7 * * *',
  'enabled: true',
  'prompt: Say good morning.',
  '',
  '## Bad one',
  'schedule: 99 99 * * *',
  'prompt: never',
  '',
].join('\r\n');

let root: string;
let contextDir: string;
let stateDir: string;
let outbox: FakeOutbox;
let service: CronService | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'llm-cron-'));
  contextDir = join(root, 'context');
  stateDir = join(root, 'state');
  mkdirSync(contextDir);
  writeFileSync(join(contextDir, 'CRON.md'), CRON);
  outbox = new FakeOutbox();
});

afterEach(async () => {
  await service?.close();
  service = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function start(provider: Provider = createOfflineProvider()): Promise<CronService> {
  service = await CronService.start({
    contextDir,
    stateDir,
    provider,
    context: () => ({ systemPrompt: '## SOUL.md\nBe kind.', files: ['SOUL.md'] }),
    outbox,
    log: memoryLogger(),
    watch: false,
  });
  return service;
}

const events = () => outbox.pushed.map((p) => ({ ...(p.message as CronEventMessage), streamClass: p.streamClass }));

test('CRON_LIST shows the jobs and the broken one with its line number', async () => {
  const cron = await start();
  const list = await cron.list();
  expect(list.jobs).toEqual([{ name: 'Morning', schedule: '0 7 * * *', enabled: true, next_run: expect.any(Number), last_run: null, last_status: null, missed_policy: 'once' }]);
  expect(list.jobs[0].next_run).toBeGreaterThan(Date.now());
  expect(list.errors).toEqual([expect.objectContaining({ line: 9, job: 'Bad one' })]);
});

test('CRON_RUN runs the prompt with the context in its own session, pushes CRON_EVENTs, logs the run, saves state', async () => {
  const cron = await start();
  const { runId } = await cron.run({ type: 'CRON_RUN', id: 'r1', name: 'morning' });
  await cron.settled();
  expect(events()).toEqual([
    expect.objectContaining({ type: 'CRON_EVENT', job: 'Morning', event: 'started', runId, streamClass: 0 }),
    expect.objectContaining({ type: 'CRON_EVENT', job: 'Morning', event: 'finished', runId, status: 'ok', streamClass: 0 }),
  ]);
  const output = (events()[1] as { output: string }).output;
  expect(output).toContain('You said: Say good morning.');
  expect(output).toContain('Context files loaded: SOUL.md');

  const log = await cron.log({ type: 'CRON_LOG', id: 'l', name: 'Morning', limit: 10 });
  expect(log.runs).toEqual([{ runId, startedAt: expect.any(Number), finishedAt: expect.any(Number), status: 'ok', output }]);
  const lines = readFileSync(join(stateDir, 'logs/cron/morning.jsonl'), 'utf8').trim().split('\n');
  expect(lines).toHaveLength(1);
  const state = JSON.parse(readFileSync(join(stateDir, 'cron-state.json'), 'utf8'));
  expect(state.jobs.Morning).toMatchObject({ lastStatus: 'ok', lastRun: expect.any(String) });
  expect((await cron.list()).jobs[0]).toMatchObject({ last_status: 'ok', last_run: expect.any(Number) });
});

test('a job never overlaps itself: CRON_RUN while it runs is BUSY; an unknown job is NOT_FOUND', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: Provider = {
    name: 'slow',
    model: 'm',
    async *stream() {
      await gate;
      yield { kind: 'delta', text: 'done' };
      yield { kind: 'done', provider: 'slow', model: 'm' };
    },
  };
  const cron = await start(slow);
  await cron.run({ type: 'CRON_RUN', id: 'r1', name: 'Morning' });
  await expect(cron.run({ type: 'CRON_RUN', id: 'r2', name: 'Morning' })).rejects.toMatchObject({ code: 'BUSY' });
  await expect(cron.run({ type: 'CRON_RUN', id: 'r3', name: 'Evening' })).rejects.toMatchObject({
    code: 'NOT_FOUND',
    message: 'No job named "Evening" in CRON.md; the Crontab tab and `clawchat cron ls` list the jobs.',
  });
  release();
  await cron.settled();
  expect(events().filter((e) => e.event === 'started')).toHaveLength(1);
});

test('a failed run is logged as an error with the provider message', async () => {
  const failing: Provider = {
    name: 'fake',
    model: 'm',
    // eslint-disable-next-line require-yield
    async *stream() {
      throw new ProtocolError('PROVIDER_ERROR', 'fake: the model is overloaded');
    },
  };
  const cron = await start(failing);
  await cron.run({ type: 'CRON_RUN', id: 'r1', name: 'Morning' });
  await cron.settled();
  expect(events()[1]).toMatchObject({ event: 'finished', status: 'error', output: 'PROVIDER_ERROR: fake: the model is overloaded' });
  expect((await cron.list()).jobs[0].last_status).toBe('error');
});

test('CRON_DISABLE / CRON_ENABLE rewrite only that job line, keeping every other byte and the file mode', async () => {
  chmodSync(join(contextDir, 'CRON.md'), 0o640);
  const cron = await start();
  await expect(cron.disable({ type: 'CRON_DISABLE', id: 'd', name: 'MORNING' })).resolves.toEqual({ name: 'Morning', enabled: false });
  expect(readFileSync(join(contextDir, 'CRON.md'), 'utf8')).toBe(CRON.replace('enabled: true', 'enabled: false'));
  expect(statSync(join(contextDir, 'CRON.md')).mode & 0o777).toBe(0o640);
  expect((await cron.list()).jobs[0]).toMatchObject({ enabled: false, next_run: null });
  await cron.enable({ type: 'CRON_ENABLE', id: 'e', name: 'Morning' });
  expect(readFileSync(join(contextDir, 'CRON.md'), 'utf8')).toBe(CRON);
  await expect(cron.enable({ type: 'CRON_ENABLE', id: 'e2', name: 'Nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

test('CRON_RELOAD re-reads CRON.md and tells every client (CRON_CHANGED), so their Crontab views follow', async () => {
  const cron = await start();
  writeFileSync(join(contextDir, 'CRON.md'), '## Only\nschedule: @daily\nprompt: hi\n');
  await expect(cron.reload()).resolves.toEqual({ jobs: 1, errors: [] });
  expect((await cron.list()).jobs.map((j) => j.name)).toEqual(['Only']);
  expect(outbox.pushed.map((p) => [p.message, p.streamClass])).toEqual([[{ type: 'CRON_CHANGED', jobs: 1, errors: 0 }, 0]]);
  writeFileSync(join(contextDir, 'CRON.md'), CRON);
  await cron.disable({ type: 'CRON_DISABLE', id: 'd', name: 'Morning' });
  expect(outbox.pushed.at(-1)?.message).toEqual({ type: 'CRON_CHANGED', jobs: 1, errors: 1 });
});

test('the timer starts scheduled runs when they are due', async () => {
  writeFileSync(join(contextDir, 'CRON.md'), '## Every second\nschedule: * * * * * *\nprompt: tick\n');
  await start();
  await outbox.until(() => events().some((e) => e.event === 'finished'), 5_000);
  await service?.close();
  const record = JSON.parse(readFileSync(join(stateDir, 'logs/cron/every-second.jsonl'), 'utf8').split('\n')[0]);
  expect(record).toMatchObject({ job: 'Every second', reason: 'schedule', ok: true });
});
