/**
 * Crontab tab data (pure): normalising CRON_LIST answers and applying CRON_EVENT pushes.
 *
 * Assumed shapes (spec/messages.md names the fields of a job; the event's are not fixed there):
 *   CRON_LIST → OK {jobs: [{name, schedule, enabled, next_run, last_run, last_status}], errors?: [{line, message}]}
 *   CRON_EVENT {name, event|phase: 'started'|'finished', status?, next_run?, last_run?, at?, job?}
 * Times are epoch ms or ISO strings. Unknown fields are ignored, missing ones shown as "–".
 */
import type { Message } from '../../connection/types';
import { parseTime } from './time-format';

export interface CronJob {
  name: string;
  schedule: string;
  enabled: boolean;
  nextRun?: number;
  lastRun?: number;
  /** `ok`, `failed`, `running`, `missed`... as the server says. */
  lastStatus?: string;
}

export interface CronParseError {
  line?: number;
  message: string;
}

export interface CronListing {
  jobs: CronJob[];
  errors: CronParseError[];
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

export function toCronJob(raw: unknown): CronJob | null {
  const r = asRecord(raw);
  if (typeof r.name !== 'string') return null;
  return {
    name: r.name,
    schedule: typeof r.schedule === 'string' ? r.schedule : '',
    enabled: r.enabled !== false,
    nextRun: parseTime(r.next_run),
    lastRun: parseTime(r.last_run),
    lastStatus: typeof r.last_status === 'string' ? r.last_status : undefined,
  };
}

export function parseCronList(answer: Message): CronListing {
  const jobs = (Array.isArray(answer.jobs) ? answer.jobs : []).map(toCronJob).filter((j): j is CronJob => j !== null);
  const errors = (Array.isArray(answer.errors) ? answer.errors : []).map((e) => {
    const r = asRecord(e);
    return { line: typeof r.line === 'number' ? r.line : undefined, message: String(r.message ?? e) };
  });
  return { jobs, errors };
}

/** The job list after a CRON_EVENT; `known: false` means the list should be fetched again. */
export function applyCronEvent(jobs: CronJob[], event: Message): { jobs: CronJob[]; known: boolean } {
  const fromJob = toCronJob(event.job);
  const name = fromJob?.name ?? (typeof event.name === 'string' ? event.name : undefined);
  const index = jobs.findIndex((j) => j.name === name);
  if (name === undefined || index < 0) return { jobs, known: false };
  const phase = String(event.event ?? event.phase ?? event.state ?? '');
  const current = jobs[index];
  let updated: CronJob = fromJob ? { ...current, ...definedOnly(fromJob) } : { ...current };
  if (phase === 'started') {
    updated = { ...updated, lastStatus: 'running', lastRun: parseTime(event.at) ?? parseTime(event.started_at) ?? updated.lastRun };
  } else if (phase === 'finished') {
    const status = typeof event.status === 'string' ? event.status : event.ok === false ? 'failed' : 'ok';
    updated = { ...updated, lastStatus: status, lastRun: parseTime(event.last_run) ?? parseTime(event.at) ?? updated.lastRun };
  } else if (typeof event.status === 'string') {
    updated = { ...updated, lastStatus: event.status };
  }
  const nextRun = parseTime(event.next_run);
  if (nextRun !== undefined) updated.nextRun = nextRun;
  const next = jobs.slice();
  next[index] = updated;
  return { jobs: next, known: true };
}

function definedOnly(job: CronJob): Partial<CronJob> {
  return Object.fromEntries(Object.entries(job).filter(([, v]) => v !== undefined)) as Partial<CronJob>;
}

export interface CronRun {
  startedAt?: number;
  status: string;
  output: string;
}

/** CRON_LOG → OK {runs: [{started_at|at, status, output}]}. */
export function parseCronLog(answer: Message): CronRun[] {
  return (Array.isArray(answer.runs) ? answer.runs : []).map((raw) => {
    const r = asRecord(raw);
    return {
      startedAt: parseTime(r.started_at ?? r.at ?? r.start),
      status: typeof r.status === 'string' ? r.status : 'unknown',
      output: typeof r.output === 'string' ? r.output : '',
    };
  });
}
