import { applyCronEvent, parseCronList } from './cron';

const listing = parseCronList({
  type: 'OK',
  jobs: [
    { name: 'backup', schedule: '0 3 * * *', enabled: true, next_run: '2030-01-01T03:00:00Z', last_status: 'ok' },
    { name: 'digest', schedule: '*/5 * * * *', enabled: false, next_run: null },
  ],
  errors: [{ line: 12, message: 'bad schedule' }],
});

test('parses CRON_LIST answers', () => {
  expect(listing.jobs.map((j) => j.name)).toEqual(['backup', 'digest']);
  expect(listing.jobs[0].nextRun).toBe(Date.parse('2030-01-01T03:00:00Z'));
  expect(listing.jobs[1]).toMatchObject({ enabled: false, nextRun: undefined });
  expect(listing.errors).toEqual([{ line: 12, message: 'bad schedule' }]);
});

test('CRON_EVENT started/finished updates one job', () => {
  const started = applyCronEvent(listing.jobs, { type: 'CRON_EVENT', name: 'backup', event: 'started', at: 1000 });
  expect(started.jobs[0]).toMatchObject({ lastStatus: 'running', lastRun: 1000 });
  const finished = applyCronEvent(started.jobs, { type: 'CRON_EVENT', name: 'backup', event: 'finished', status: 'failed', next_run: 5000 });
  expect(finished.jobs[0]).toMatchObject({ lastStatus: 'failed', nextRun: 5000 });
  expect(finished.jobs[1]).toBe(listing.jobs[1]);
});

test('an event for an unknown job asks for a reload', () => {
  expect(applyCronEvent(listing.jobs, { type: 'CRON_EVENT', name: 'new-job', event: 'started' }).known).toBe(false);
});
