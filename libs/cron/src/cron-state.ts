/**
 * The scheduler's memory between restarts (the sidecar file in the state dir, never CRON.md): what
 * ran when, how it ended, and the retry/backoff position. Pure shapes and validation; the file I/O
 * is in cron-state-store.ts.
 */
import { CRON_STATE_VERSION } from './constants';

export type RunStatus = 'ok' | 'failed';

/** Per-job state as stored (times are ISO 8601 strings so the file is readable). */
export interface CronJobState {
  /** Start of the most recent run, of any kind. */
  lastRun: string | null;
  lastStatus: RunStatus | null;
  /** Consecutive failed runs; picks the backoff step. Reset by a success. */
  failures: number;
  /** Retries already spent on the current occurrence (at most MAX_RETRIES_PER_OCCURRENCE). */
  retries: number;
  nextRetryAt: string | null;
  /** Runs started on `date` (calendar day in the job's zone), for max_runs_per_day. */
  runsToday: { date: string; count: number } | null;
  /** Occurrences up to this time have been dealt with (run or skipped); later ones are missed. */
  scheduledThrough: string | null;
  /** The last occurrence that did not run, and why (overlap, daily cap, missed with `skip`). */
  lastSkip: { at: string; reason: string } | null;
}

export interface CronState {
  version: number;
  jobs: Record<string, CronJobState>;
}

export function emptyCronState(): CronState {
  return { version: CRON_STATE_VERSION, jobs: {} };
}

export function emptyJobState(): CronJobState {
  return {
    lastRun: null,
    lastStatus: null,
    failures: 0,
    retries: 0,
    nextRetryAt: null,
    runsToday: null,
    scheduledThrough: null,
    lastSkip: null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isoOrNull(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

function countOrZero(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * Accepts whatever was in the file and keeps every field that makes sense, dropping the rest, so a
 * hand-edited or older file never stops the scheduler. Throws only when it is not a state file at all.
 */
export function parseCronState(value: unknown): CronState {
  if (!isRecord(value) || !isRecord(value.jobs)) {
    throw new Error('not a cron state file (expected {"version", "jobs"})');
  }
  const jobs: Record<string, CronJobState> = {};
  for (const [name, raw] of Object.entries(value.jobs)) {
    if (!isRecord(raw)) continue;
    const runsToday = raw.runsToday;
    const lastSkip = raw.lastSkip;
    jobs[name] = {
      lastRun: isoOrNull(raw.lastRun),
      lastStatus: raw.lastStatus === 'ok' || raw.lastStatus === 'failed' ? raw.lastStatus : null,
      failures: countOrZero(raw.failures),
      retries: countOrZero(raw.retries),
      nextRetryAt: isoOrNull(raw.nextRetryAt),
      runsToday:
        isRecord(runsToday) && typeof runsToday.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(runsToday.date)
          ? { date: runsToday.date, count: countOrZero(runsToday.count) }
          : null,
      scheduledThrough: isoOrNull(raw.scheduledThrough),
      lastSkip:
        isRecord(lastSkip) && isoOrNull(lastSkip.at) && typeof lastSkip.reason === 'string'
          ? { at: lastSkip.at as string, reason: lastSkip.reason }
          : null,
    };
  }
  return { version: CRON_STATE_VERSION, jobs };
}
