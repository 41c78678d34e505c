import { ProtocolError } from '@clawchat/protocol';
import type { CronJobDefinition } from './cron-file';
import { emptyCronState, emptyJobState, parseCronState, type CronState } from './cron-state';
import { Scheduler, type SchedulerAction } from './scheduler';

const T = (iso: string): number => Date.parse(iso);
const job = (over: Partial<CronJobDefinition> = {}): CronJobDefinition => ({
  name: 'J',
  schedule: '0 * * * *',
  timezone: 'UTC',
  enabled: true,
  missed: 'once',
  prompt: 'do it',
  line: 1,
  ...over,
});

function make(jobs: CronJobDefinition[], now: number, state: CronState = emptyCronState()): Scheduler {
  let counter = 0;
  return new Scheduler({ jobs, state, now, defaultTimeZone: 'UTC', newRunId: () => `run-${++counter}` });
}

const summary = (actions: SchedulerAction[]): string[] =>
  actions.map((a) => (a.kind === 'start' ? `start ${a.job.name} ${a.reason}` : `skip ${a.job.name} ${a.reason}`));

function startedRunId(actions: SchedulerAction[]): string {
  const start = actions.find((a) => a.kind === 'start');
  if (!start || start.kind !== 'start') throw new Error(`expected a start, got ${JSON.stringify(summary(actions))}`);
  return start.runId;
}

function stateWith(name: string, over: Partial<ReturnType<typeof emptyJobState>>): CronState {
  return { version: 1, jobs: { [name]: { ...emptyJobState(), ...over } } };
}

describe('Scheduler: schedule and overlap', () => {
  test('starts on schedule, reports the next wake-up, and lists the job', () => {
    const s = make([job()], T('2024-05-01T10:30:00Z'));
    expect(s.nextWakeAt()).toBe(T('2024-05-01T11:00:00Z'));
    expect(s.tick(T('2024-05-01T10:59:59Z'))).toEqual([]);
    const actions = s.tick(T('2024-05-01T11:00:00Z'));
    expect(summary(actions)).toEqual(['start J schedule']);
    expect(s.snapshot()[0]).toMatchObject({ running: true, next_run: '2024-05-01T12:00:00.000Z', last_run: '2024-05-01T11:00:00.000Z' });
    const finished = s.runFinished(startedRunId(actions), T('2024-05-01T11:00:20Z'), true, 'done');
    expect(finished).toMatchObject({ job: 'J', reason: 'schedule', ok: true, output: 'done', nextRetryAt: null });
    expect(s.snapshot()[0]).toEqual({
      name: 'J',
      schedule: '0 * * * *',
      timezone: 'UTC',
      enabled: true,
      next_run: '2024-05-01T12:00:00.000Z',
      last_run: '2024-05-01T11:00:00.000Z',
      last_status: 'ok',
      missed_policy: 'once',
      running: false,
      next_retry: null,
      failures: 0,
      max_runs_per_day: null,
    });
  });

  test('never overlaps itself: an occurrence during a run is skipped and recorded', () => {
    const s = make([job()], T('2024-05-01T10:30:00Z'));
    const runId = startedRunId(s.tick(T('2024-05-01T11:00:00Z')));
    expect(summary(s.tick(T('2024-05-01T12:00:00Z')))).toEqual(['skip J overlap']);
    expect(s.exportState().jobs.J.lastSkip).toEqual({ at: '2024-05-01T12:00:00.000Z', reason: 'overlap' });
    expect(s.tick(T('2024-05-01T12:30:00Z'))).toEqual([]);
    s.runFinished(runId, T('2024-05-01T12:40:00Z'), true, '');
    expect(summary(s.tick(T('2024-05-01T13:00:00Z')))).toEqual(['start J schedule']);
  });

  test('occurrences passing while the process slept start one run, not a burst', () => {
    const s = make([job()], T('2024-05-01T10:30:00Z'));
    expect(summary(s.tick(T('2024-05-01T15:30:00Z')))).toEqual(['start J schedule']);
    expect(s.nextWakeAt()).toBe(T('2024-05-01T16:00:00Z'));
  });

  test('a disabled job never starts on its own', () => {
    const s = make([job({ enabled: false })], T('2024-05-01T10:30:00Z'));
    expect(s.nextWakeAt()).toBeNull();
    expect(s.tick(T('2024-05-02T10:30:00Z'))).toEqual([]);
  });
});

describe('Scheduler: retries with backoff', () => {
  const daily = job({ schedule: '0 0 * * *' });

  test('30 s, 1 min, 5 min, then no more after 3 retries; success resets', () => {
    const s = make([daily], T('2024-05-01T12:00:00Z'));
    let now = T('2024-05-02T00:00:00Z');
    let runId = startedRunId(s.tick(now));
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      now += 10_000; // each run takes 10 s and fails
      const finished = s.runFinished(runId, now, false, 'provider down');
      if (finished?.nextRetryAt == null) break;
      delays.push(finished.nextRetryAt - now);
      expect(s.nextWakeAt()).toBe(finished.nextRetryAt);
      expect(s.tick(finished.nextRetryAt - 1)).toEqual([]);
      now = finished.nextRetryAt;
      const actions = s.tick(now);
      expect(summary(actions)).toEqual(['start J retry']);
      runId = startedRunId(actions);
    }
    expect(delays).toEqual([30_000, 60_000, 300_000]);
    expect(s.snapshot()[0]).toMatchObject({ last_status: 'failed', failures: 4, next_retry: null });
    expect(s.nextWakeAt()).toBe(T('2024-05-03T00:00:00Z'));

    // Next day: still failing, so the backoff has moved on to the 60-minute step.
    now = T('2024-05-03T00:00:00Z');
    runId = startedRunId(s.tick(now));
    expect(s.runFinished(runId, now + 1000, false, '')?.nextRetryAt).toBe(now + 1000 + 60 * 60_000);
    runId = startedRunId(s.tick(now + 1000 + 60 * 60_000));
    s.runFinished(runId, now + 2 * 60 * 60_000, true, 'ok');
    expect(s.snapshot()[0]).toMatchObject({ last_status: 'ok', failures: 0, next_retry: null });

    // After a success, the first failure waits 30 s again.
    now = T('2024-05-04T00:00:00Z');
    runId = startedRunId(s.tick(now));
    expect(s.runFinished(runId, now + 5000, false, '')?.nextRetryAt).toBe(now + 5000 + 30_000);
  });

  test('never retries at or past the next scheduled run', () => {
    const state = stateWith('J', { failures: 4, lastRun: '2024-05-01T10:00:00.000Z', scheduledThrough: '2024-05-01T10:00:00.000Z' });
    const s = make([job()], T('2024-05-01T10:30:00Z'), state); // hourly
    const runId = startedRunId(s.tick(T('2024-05-01T11:00:00Z')));
    const finished = s.runFinished(runId, T('2024-05-01T11:00:10Z'), false, ''); // 60-min step → 12:00:10
    expect(finished?.nextRetryAt).toBeNull();
    expect(s.nextWakeAt()).toBe(T('2024-05-01T12:00:00Z'));
  });

  test('a scheduled occurrence replaces a pending retry', () => {
    const s = make([job({ schedule: '*/1 * * * *' })], T('2024-05-01T10:00:30Z'));
    const runId = startedRunId(s.tick(T('2024-05-01T10:01:00Z')));
    expect(s.runFinished(runId, T('2024-05-01T10:01:20Z'), false, '')?.nextRetryAt).toBe(T('2024-05-01T10:01:50Z'));
    // The tick at the retry time never came (busy event loop); the next occurrence wins.
    expect(summary(s.tick(T('2024-05-01T10:02:00Z')))).toEqual(['start J schedule']);
    expect(s.snapshot()[0].next_retry).toBeNull();
  });
});

describe('Scheduler: missed runs while the server was down', () => {
  const daily9 = (missed: 'once' | 'skip'): CronJobDefinition => job({ schedule: '0 9 * * *', missed });
  const ranYesterday = stateWith('J', { lastRun: '2024-05-01T09:00:00.000Z', lastStatus: 'ok', scheduledThrough: '2024-05-01T09:00:00.000Z' });

  test('once: one catch-up run at the first tick, even after several missed days', () => {
    const s = make([daily9('once')], T('2024-05-04T12:00:00Z'), ranYesterday);
    expect(s.nextWakeAt()).toBe(0); // due immediately
    expect(summary(s.tick(T('2024-05-04T12:00:00Z')))).toEqual(['start J missed']);
    expect(s.tick(T('2024-05-04T12:00:01Z'))).toEqual([]);
    expect(s.snapshot()[0].next_run).toBe('2024-05-05T09:00:00.000Z');
  });

  test('once: a crash before the catch-up starts does not forget it', () => {
    const first = make([daily9('once')], T('2024-05-04T12:00:00Z'), ranYesterday);
    const saved = parseCronState(JSON.parse(JSON.stringify(first.exportState())));
    const second = make([daily9('once')], T('2024-05-04T12:05:00Z'), saved);
    expect(summary(second.tick(T('2024-05-04T12:05:00Z')))).toEqual(['start J missed']);
  });

  test('skip: no run, the skipped occurrence is reported', () => {
    const s = make([daily9('skip')], T('2024-05-04T12:00:00Z'), ranYesterday);
    const actions = s.tick(T('2024-05-04T12:00:00Z'));
    expect(summary(actions)).toEqual(['skip J missed']);
    expect(actions[0]).toMatchObject({ at: T('2024-05-02T09:00:00Z') });
    expect(s.nextWakeAt()).toBe(T('2024-05-05T09:00:00Z'));
  });

  test('nothing missed when no occurrence fell in the downtime, or for a job seen for the first time', () => {
    const ranToday = stateWith('J', { lastRun: '2024-05-04T09:00:00.000Z', scheduledThrough: '2024-05-04T09:00:00.000Z' });
    expect(make([daily9('once')], T('2024-05-04T12:00:00Z'), ranToday).tick(T('2024-05-04T12:00:00Z'))).toEqual([]);
    expect(make([daily9('once')], T('2024-05-04T12:00:00Z')).tick(T('2024-05-04T12:00:00Z'))).toEqual([]);
  });

  test('an occurrence exactly at start-up is an ordinary scheduled run', () => {
    const s = make([daily9('once')], T('2024-05-02T09:00:00Z'), ranYesterday);
    expect(summary(s.tick(T('2024-05-02T09:00:00Z')))).toEqual(['start J schedule']);
  });
});

describe('Scheduler: max_runs_per_day', () => {
  test('caps starts per calendar day in the job zone, not in UTC', () => {
    // Asia/Kolkata is UTC+5:30: local midnight is 18:30 UTC.
    const capped = job({ schedule: '*/10 * * * *', timezone: 'Asia/Kolkata', maxRunsPerDay: 2 });
    const s = make([capped], T('2024-05-01T18:05:00Z'));
    const results: string[] = [];
    for (const iso of ['18:10', '18:20', '18:30', '18:40', '18:50']) {
      const actions = s.tick(T(`2024-05-01T${iso}:00Z`));
      results.push(`${iso} ${summary(actions).join(',')}`);
      for (const a of actions) if (a.kind === 'start') s.runFinished(a.runId, T(`2024-05-01T${iso}:05Z`), true, '');
    }
    expect(results).toEqual([
      '18:10 start J schedule', // 23:40 local, 1st of 1 May
      '18:20 start J schedule', // 23:50 local, 2nd of 1 May
      '18:30 start J schedule', // 00:00 local: a new day
      '18:40 start J schedule',
      '18:50 skip J daily-cap',
    ]);
  });

  test('retries count against the cap; manual runs are counted but never refused', () => {
    const capped = job({ schedule: '0 0 * * *', maxRunsPerDay: 1 });
    const s = make([capped], T('2024-05-01T23:00:00Z'));
    const runId = startedRunId(s.tick(T('2024-05-02T00:00:00Z')));
    const retryAt = s.runFinished(runId, T('2024-05-02T00:00:10Z'), false, '')?.nextRetryAt as number;
    expect(summary(s.tick(retryAt))).toEqual(['skip J daily-cap']);
    expect(s.runNow('J', retryAt + 1000)).toMatchObject({ kind: 'start', reason: 'manual' });
  });
});

describe('Scheduler: manual runs', () => {
  test('runNow starts; a second runNow while it runs is BUSY; unknown job is NOT_FOUND', () => {
    const s = make([job({ enabled: false })], T('2024-05-01T10:30:00Z'));
    const action = s.runNow('j', T('2024-05-01T10:31:00Z'));
    expect(action).toMatchObject({ kind: 'start', reason: 'manual', job: { name: 'J' } });
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof ProtocolError ? error.code : 'not a ProtocolError';
      }
      return undefined;
    };
    expect(codeOf(() => s.runNow('J', T('2024-05-01T10:31:30Z')))).toBe('BUSY');
    expect(codeOf(() => s.runNow('Nope', T('2024-05-01T10:31:30Z')))).toBe('NOT_FOUND');
    // A failed manual run is not retried.
    expect(s.runFinished(action.runId, T('2024-05-01T10:32:00Z'), false, 'boom')?.nextRetryAt).toBeNull();
    expect(s.snapshot()[0]).toMatchObject({ last_status: 'failed', failures: 1, next_retry: null });
    expect(s.runNow('J', T('2024-05-01T10:33:00Z')).kind).toBe('start');
  });

  test('a scheduled occurrence during a manual run is skipped as overlap', () => {
    const s = make([job()], T('2024-05-01T10:30:00Z'));
    s.runNow('J', T('2024-05-01T10:59:00Z'));
    expect(summary(s.tick(T('2024-05-01T11:00:00Z')))).toEqual(['skip J overlap']);
  });
});

describe('Scheduler: reloads and state', () => {
  test('setJobs recomputes a changed schedule, keeps running runs, and gives no catch-up after enabling', () => {
    const s = make([job(), job({ name: 'K', schedule: '0 9 * * *', enabled: false })], T('2024-05-01T10:30:00Z'));
    const runId = startedRunId(s.tick(T('2024-05-01T11:00:00Z')));
    s.setJobs([job({ schedule: '30 * * * *' }), job({ name: 'K', schedule: '0 9 * * *' })], T('2024-05-03T11:10:00Z'));
    const [j, k] = s.snapshot();
    expect(j).toMatchObject({ running: true, next_run: '2024-05-03T11:30:00.000Z' });
    expect(k).toMatchObject({ enabled: true, next_run: '2024-05-04T09:00:00.000Z' });
    expect(s.tick(T('2024-05-03T11:10:00Z'))).toEqual([]);
    s.setJobs([job({ name: 'K', schedule: '0 9 * * *' })], T('2024-05-03T11:11:00Z'));
    expect(s.runFinished(runId, T('2024-05-03T11:12:00Z'), true, 'x')).toMatchObject({ job: 'J', ok: true });
    expect(s.snapshot().map((row) => row.name)).toEqual(['K']);
    expect(s.runFinished('no-such-run', T('2024-05-03T11:12:00Z'), true, '')).toBeNull();
  });

  test('exported state survives JSON and a restart', () => {
    const s = make([job({ schedule: '0 0 * * *' })], T('2024-05-01T12:00:00Z'));
    const runId = startedRunId(s.tick(T('2024-05-02T00:00:00Z')));
    s.runFinished(runId, T('2024-05-02T00:00:10Z'), false, '');
    const saved = parseCronState(JSON.parse(JSON.stringify(s.exportState())));
    expect(saved.jobs.J).toMatchObject({
      lastRun: '2024-05-02T00:00:00.000Z',
      lastStatus: 'failed',
      failures: 1,
      nextRetryAt: '2024-05-02T00:00:40.000Z',
      runsToday: { date: '2024-05-02', count: 1 },
    });
    const restarted = make([job({ schedule: '0 0 * * *' })], T('2024-05-02T00:00:20Z'), saved);
    expect(restarted.nextWakeAt()).toBe(T('2024-05-02T00:00:40Z'));
    expect(summary(restarted.tick(T('2024-05-02T00:00:40Z')))).toEqual(['start J retry']);
  });

  test('parseCronState keeps what makes sense and rejects what is not a state file', () => {
    const parsed = parseCronState({ version: 1, jobs: { A: { lastRun: 'garbage', failures: -3, lastStatus: 'ok' }, B: 7 } });
    expect(parsed.jobs).toEqual({ A: { ...emptyJobState(), lastStatus: 'ok' } });
    expect(() => parseCronState([1, 2])).toThrow(/not a cron state file/);
  });
});
