import { applyCronEvent, parseCronList, parseCronLog } from './cron';

const listing = parseCronList({
  jobs: [
    { name: 'backup', schedule: '0 3 * * *', enabled: true, next_run: 1_900_000_000_000, last_run: null, last_status: 'ok', missed_policy: 'once' },
    { name: 'digest', schedule: '*/5 * * * *', enabled: false, next_run: null, last_run: 5, last_status: null, missed_policy: 'skip' },
  ],
  errors: [{ line: 12, job: 'broken', message: 'bad schedule' }],
});

test('parses CRON_LIST results (null times become unknown)', () => {
  expect(listing.jobs.map((j) => j.name)).toEqual(['backup', 'digest']);
  expect(listing.jobs[0]).toMatchObject({ nextRun: 1_900_000_000_000, lastRun: undefined, lastStatus: 'ok', missedPolicy: 'once' });
  expect(listing.jobs[1]).toMatchObject({ enabled: false, nextRun: undefined, lastRun: 5, lastStatus: undefined });
  expect(listing.errors).toEqual([{ line: 12, job: 'broken', message: 'bad schedule' }]);
});

test('CRON_EVENT started/finished updates one job; finished asks for a fresh list (next run)', () => {
  const started = applyCronEvent(listing.jobs, { type: 'CRON_EVENT', job: 'backup', event: 'started', runId: 'r1', at: 1000 });
  expect(started.jobs[0]).toMatchObject({ lastStatus: 'running', lastRun: 1000 });
  expect(started.refresh).toBe(false);
  const finished = applyCronEvent(started.jobs, { type: 'CRON_EVENT', job: 'backup', event: 'finished', runId: 'r1', status: 'error', output: 'boom', at: 2000 });
  expect(finished.jobs[0]).toMatchObject({ lastStatus: 'error', lastRun: 1000 });
  expect(finished.refresh).toBe(true);
  expect(finished.jobs[1]).toBe(listing.jobs[1]);
});

test('an event for an unknown job asks for a reload', () => {
  expect(applyCronEvent(listing.jobs, { type: 'CRON_EVENT', job: 'new-job', event: 'started', runId: 'r2', at: 1 }).refresh).toBe(true);
});

test('CRON_LOG runs: a run without an end is running', () => {
  const runs = parseCronLog({
    runs: [
      { runId: 'b', startedAt: 20, finishedAt: null, status: null, output: '' },
      { runId: 'a', startedAt: 10, finishedAt: 15, status: 'ok', output: 'done' },
    ],
  });
  expect(runs).toEqual([
    { runId: 'b', startedAt: 20, finishedAt: undefined, status: 'running', output: '' },
    { runId: 'a', startedAt: 10, finishedAt: 15, status: 'ok', output: 'done' },
  ]);
});
