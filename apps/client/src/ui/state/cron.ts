/**
 * Crontab tab data (pure): the CRON_LIST result as rows, CRON_EVENT pushes applied to them, and
 * CRON_LOG runs. Shapes are the catalogue's (libs/protocol messages/types.ts and ok-results.ts):
 *   CRON_LIST  → OK {jobs: [{name, schedule, enabled, next_run, last_run, last_status, missed_policy}], errors: [{line, job?, message}]}
 *   CRON_EVENT {job, event: 'started'|'finished', runId, status?, output?, at}
 *   CRON_LOG   → OK {runs: [{runId, startedAt, finishedAt, status, output}]} (newest first)
 */
import type { CronJobInfo, CronListResult, CronLogResult, CronParseError as ProtocolCronParseError } from '@clawchat/protocol';
import type { Message } from '../../connection/types';

export interface CronJob {
  name: string;
  schedule: string;
  enabled: boolean;
  nextRun?: number;
  lastRun?: number;
  /** `ok`, `error`, `timeout`, `skipped` as the server says, or `running` between the two events. */
  lastStatus?: string;
  missedPolicy?: 'skip' | 'once';
}

export type CronParseError = ProtocolCronParseError;

export interface CronListing {
  jobs: CronJob[];
  errors: CronParseError[];
}

export function toCronJob(info: CronJobInfo): CronJob {
  return {
    name: info.name,
    schedule: info.schedule,
    enabled: info.enabled,
    nextRun: info.next_run ?? undefined,
    lastRun: info.last_run ?? undefined,
    lastStatus: info.last_status ?? undefined,
    missedPolicy: info.missed_policy,
  };
}

export function parseCronList(result: CronListResult): CronListing {
  return { jobs: result.jobs.map(toCronJob), errors: result.errors };
}

/**
 * The job list after a CRON_EVENT. `refresh` asks for a new CRON_LIST: the job is unknown (CRON.md
 * changed), or it finished and only the server knows its next run.
 */
export function applyCronEvent(jobs: CronJob[], event: Message): { jobs: CronJob[]; refresh: boolean } {
  const name = typeof event.job === 'string' ? event.job : undefined;
  const index = jobs.findIndex((j) => j.name === name);
  if (name === undefined || index < 0) return { jobs, refresh: true };
  const at = typeof event.at === 'number' ? event.at : undefined;
  const current = jobs[index];
  let updated: CronJob;
  if (event.event === 'started') {
    updated = { ...current, lastStatus: 'running', lastRun: at ?? current.lastRun };
  } else if (event.event === 'finished') {
    updated = { ...current, lastStatus: typeof event.status === 'string' ? event.status : 'ok' };
  } else {
    return { jobs, refresh: false };
  }
  const next = jobs.slice();
  next[index] = updated;
  return { jobs: next, refresh: event.event === 'finished' };
}

export interface CronRun {
  runId: string;
  startedAt: number;
  finishedAt?: number;
  /** `running` while the run has no end yet. */
  status: string;
  output: string;
}

export function parseCronLog(result: CronLogResult): CronRun[] {
  return result.runs.map((r) => ({
    runId: r.runId,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ?? undefined,
    status: r.status ?? 'running',
    output: r.output,
  }));
}
