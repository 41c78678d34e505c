/**
 * The scheduler as a pure state machine: no timers, no I/O. The adapter calls tick(now) when
 * nextWakeAt() comes (or after any event), starts the runs the returned actions ask for, reports each
 * end with runFinished(), and saves exportState() to the sidecar file.
 *
 * Rules (spec/llm-server.md "Cron"):
 * - A job never overlaps itself: an occurrence that comes while the job runs is skipped (recorded).
 * - A failed run is retried after 30 s, 1 min, 5 min, 15 min, 60 min (the step follows the job's
 *   consecutive failures), at most 3 retries per occurrence, and never at or past the next scheduled
 *   run. A success resets the backoff. A failed manual run is not retried: the person is watching.
 * - max_runs_per_day caps scheduled, missed and retry starts per calendar day in the job's zone
 *   (manual runs are counted but never refused by the cap).
 * - Missed while the server was down: if an occurrence fell between the last handled time and `now`,
 *   `once` gives one catch-up run at the first tick, `skip` gives none (recorded as a skip).
 * - Several occurrences passing between two ticks (machine asleep) start one run, not a burst.
 */
import { ProtocolError } from '@clawchat/protocol';
import { CRON_STATE_VERSION, MAX_RETRIES_PER_OCCURRENCE, RETRY_BACKOFF_MS } from './constants';
import { unknownJobError, type CronJobDefinition, type MissedPolicy } from './cron-file';
import { emptyJobState, type CronJobState, type CronState, type RunStatus } from './cron-state';
import { nextRun } from './schedule';
import { localDateKey, serverTimeZone } from './time-zone';

export type StartReason = 'schedule' | 'missed' | 'retry' | 'manual';
export type SkipReason = 'overlap' | 'daily-cap' | 'missed';

export type SchedulerAction =
  | { kind: 'start'; job: CronJobDefinition; runId: string; reason: StartReason }
  | { kind: 'skip'; job: CronJobDefinition; at: number; reason: SkipReason };

/** What a finished run amounts to; the adapter writes it to the job's log. */
export interface FinishedRun {
  runId: string;
  job: string;
  reason: StartReason;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
  output: string;
  /** When the failed run will be retried, or null. */
  nextRetryAt: number | null;
}

/** One row of CRON_LIST. */
export interface CronJobSnapshot {
  name: string;
  schedule: string;
  timezone: string;
  enabled: boolean;
  next_run: string | null;
  last_run: string | null;
  last_status: RunStatus | null;
  missed_policy: MissedPolicy;
  running: boolean;
  next_retry: string | null;
  failures: number;
  max_runs_per_day: number | null;
}

export interface SchedulerOptions {
  jobs: readonly CronJobDefinition[];
  state: CronState;
  now: number;
  /** Zone for jobs without `timezone:`; defaults to the server's. */
  defaultTimeZone?: string;
  /** Run id factory; the default is unique within the process and readable in logs. */
  newRunId?: (job: CronJobDefinition, now: number) => string;
}

interface JobMemory {
  lastRun: number | null;
  lastStatus: RunStatus | null;
  failures: number;
  retries: number;
  nextRetryAt: number | null;
  runsToday: { date: string; count: number } | null;
  scheduledThrough: number | null;
  lastSkip: { at: number; reason: string } | null;
}

interface Running {
  runId: string;
  jobName: string;
  reason: StartReason;
  startedAt: number;
}

interface JobSlot {
  def: CronJobDefinition;
  timeZone: string;
  memory: JobMemory;
  /** Next scheduled occurrence (ms), null when disabled. */
  nextDue: number | null;
  running: Running | null;
  catchUpPending: boolean;
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (value: number | null): string | null => (value === null ? null : new Date(value).toISOString());

function memoryFromState(state: CronJobState | undefined): JobMemory {
  const s = state ?? emptyJobState();
  return {
    lastRun: ms(s.lastRun),
    lastStatus: s.lastStatus,
    failures: s.failures,
    retries: s.retries,
    nextRetryAt: ms(s.nextRetryAt),
    runsToday: s.runsToday ? { ...s.runsToday } : null,
    scheduledThrough: ms(s.scheduledThrough),
    lastSkip: s.lastSkip ? { at: Date.parse(s.lastSkip.at), reason: s.lastSkip.reason } : null,
  };
}

function stateFromMemory(m: JobMemory): CronJobState {
  return {
    lastRun: iso(m.lastRun),
    lastStatus: m.lastStatus,
    failures: m.failures,
    retries: m.retries,
    nextRetryAt: iso(m.nextRetryAt),
    runsToday: m.runsToday ? { ...m.runsToday } : null,
    scheduledThrough: iso(m.scheduledThrough),
    lastSkip: m.lastSkip ? { at: new Date(m.lastSkip.at).toISOString(), reason: m.lastSkip.reason } : null,
  };
}

export class Scheduler {
  private readonly slots = new Map<string, JobSlot>();
  /** Runs in progress by id, including runs of jobs removed by a reload. */
  private readonly runs = new Map<string, Running>();
  private readonly defaultTimeZone: string;
  private readonly newRunId: (job: CronJobDefinition, now: number) => string;
  private pending: SchedulerAction[] = [];
  private runCounter = 0;

  constructor(options: SchedulerOptions) {
    this.defaultTimeZone = options.defaultTimeZone ?? serverTimeZone();
    this.newRunId =
      options.newRunId ??
      ((job, now) => `${job.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${now.toString(36)}-${++this.runCounter}`);
    for (const def of options.jobs) {
      const slot = this.createSlot(def, memoryFromState(options.state.jobs[def.name]));
      this.slots.set(def.name, slot);
      if (def.enabled) this.armAfterDowntime(slot, options.now);
    }
  }

  /** Actions due at `now`: runs to start and occurrences skipped. */
  tick(now: number): SchedulerAction[] {
    const actions = this.pending;
    this.pending = [];
    for (const slot of this.slots.values()) {
      if (!slot.def.enabled) continue;
      const scheduleDue = slot.nextDue !== null && slot.nextDue <= now;
      if (scheduleDue) {
        const occurrence = slot.nextDue as number;
        slot.memory.scheduledThrough = now;
        slot.nextDue = this.nextOccurrence(slot, now);
        if (slot.running) {
          this.skip(actions, slot, occurrence, 'overlap');
        } else {
          // A new occurrence supersedes a pending retry or catch-up of an older one.
          slot.catchUpPending = false;
          slot.memory.nextRetryAt = null;
          slot.memory.retries = 0;
          this.startCapped(actions, slot, now, 'schedule', occurrence);
        }
        continue;
      }
      if (slot.running) continue;
      if (slot.catchUpPending) {
        slot.catchUpPending = false;
        slot.memory.retries = 0;
        this.startCapped(actions, slot, now, 'missed', now);
      } else if (slot.memory.nextRetryAt !== null && slot.memory.nextRetryAt <= now) {
        slot.memory.nextRetryAt = null;
        slot.memory.retries += 1;
        this.startCapped(actions, slot, now, 'retry', now);
      }
    }
    return actions;
  }

  /** Records the end of a run. Returns what to log, or null for an unknown run id. */
  runFinished(runId: string, now: number, ok: boolean, output: string): FinishedRun | null {
    const run = this.runs.get(runId);
    if (!run) return null;
    this.runs.delete(runId);
    const slot = this.slots.get(run.jobName);
    let nextRetryAt: number | null = null;
    if (slot && slot.running?.runId === runId) {
      slot.running = null;
      const memory = slot.memory;
      memory.lastStatus = ok ? 'ok' : 'failed';
      if (ok) {
        memory.failures = 0;
        memory.retries = 0;
        memory.nextRetryAt = null;
      } else {
        memory.failures += 1;
        if (run.reason !== 'manual' && memory.retries < MAX_RETRIES_PER_OCCURRENCE && slot.def.enabled) {
          const step = Math.min(memory.failures, RETRY_BACKOFF_MS.length) - 1;
          const retryAt = now + RETRY_BACKOFF_MS[step];
          if (slot.nextDue === null || retryAt < slot.nextDue) memory.nextRetryAt = retryAt;
        }
        nextRetryAt = memory.nextRetryAt;
      }
    }
    return { runId, job: run.jobName, reason: run.reason, startedAt: run.startedAt, finishedAt: now, ok, output, nextRetryAt };
  }

  /** Starts a job now (CRON_RUN). NOT_FOUND for an unknown job, BUSY while the same job runs. */
  runNow(name: string, now: number): SchedulerAction & { kind: 'start' } {
    const slot = this.slots.get(name) ?? [...this.slots.values()].find((s) => s.def.name.toLowerCase() === name.toLowerCase());
    if (!slot) throw unknownJobError(name);
    if (slot.running) {
      throw new ProtocolError('BUSY', `Job "${slot.def.name}" is running now; wait for it to finish and try again.`);
    }
    return this.start(slot, now, 'manual');
  }

  /** When tick() next has something to do (ms; 0 = right away), or null when nothing is scheduled. */
  nextWakeAt(): number | null {
    let earliest: number | null = null;
    const consider = (value: number | null): void => {
      if (value !== null && (earliest === null || value < earliest)) earliest = value;
    };
    if (this.pending.length > 0) consider(0);
    for (const slot of this.slots.values()) {
      if (!slot.def.enabled) continue;
      consider(slot.nextDue);
      if (!slot.running) {
        if (slot.catchUpPending) consider(0);
        consider(slot.memory.nextRetryAt);
      }
    }
    return earliest;
  }

  /** Replaces the job list after CRON.md changed, keeping state and running runs of kept jobs. */
  setJobs(jobs: readonly CronJobDefinition[], now: number): void {
    const previous = new Map(this.slots);
    this.slots.clear();
    for (const def of jobs) {
      const old = previous.get(def.name);
      if (!old) {
        const slot = this.createSlot(def, memoryFromState(undefined));
        if (def.enabled) this.arm(slot, now);
        this.slots.set(def.name, slot);
        continue;
      }
      const slot: JobSlot = { ...old, def, timeZone: def.timezone ?? this.defaultTimeZone };
      const timingChanged = old.def.schedule !== def.schedule || old.timeZone !== slot.timeZone;
      if (!def.enabled) {
        slot.nextDue = null;
        slot.catchUpPending = false;
        slot.memory.nextRetryAt = null;
      } else if (!old.def.enabled || timingChanged) {
        // No catch-up for time spent disabled or on another schedule; old retries no longer apply.
        this.arm(slot, now);
        slot.catchUpPending = false;
        slot.memory.nextRetryAt = null;
      }
      this.slots.set(def.name, slot);
    }
  }

  /** CRON_LIST rows, in CRON.md order. */
  snapshot(): CronJobSnapshot[] {
    return [...this.slots.values()].map((slot) => ({
      name: slot.def.name,
      schedule: slot.def.schedule,
      timezone: slot.timeZone,
      enabled: slot.def.enabled,
      next_run: iso(slot.nextDue),
      last_run: iso(slot.memory.lastRun),
      last_status: slot.memory.lastStatus,
      missed_policy: slot.def.missed,
      running: slot.running !== null,
      next_retry: iso(slot.memory.nextRetryAt),
      failures: slot.memory.failures,
      max_runs_per_day: slot.def.maxRunsPerDay ?? null,
    }));
  }

  /** The state to save in the sidecar file (jobs currently in CRON.md only). */
  exportState(): CronState {
    const jobs: Record<string, CronJobState> = {};
    for (const [name, slot] of this.slots) jobs[name] = stateFromMemory(slot.memory);
    return { version: CRON_STATE_VERSION, jobs };
  }

  private createSlot(def: CronJobDefinition, memory: JobMemory): JobSlot {
    return { def, timeZone: def.timezone ?? this.defaultTimeZone, memory, nextDue: null, running: null, catchUpPending: false };
  }

  /** First occurrence strictly after `after`, or null if the schedule cannot produce one. */
  private nextOccurrence(slot: JobSlot, after: number): number | null {
    try {
      return nextRun(slot.def.schedule, slot.timeZone, new Date(after)).getTime();
    } catch {
      return null; // CRON.md validation rejects such schedules; never let one stop the others
    }
  }

  /** Schedules from `now` on, treating everything before as handled. */
  private arm(slot: JobSlot, now: number): void {
    slot.memory.scheduledThrough = now;
    slot.nextDue = this.nextOccurrence(slot, now - 1); // an occurrence exactly at `now` is due now
  }

  /** At start-up: applies the job's missed policy to occurrences that fell while the server was down. */
  private armAfterDowntime(slot: JobSlot, now: number): void {
    const memory = slot.memory;
    const handled = Math.max(memory.scheduledThrough ?? -Infinity, memory.lastRun ?? -Infinity);
    const firstMissed = Number.isFinite(handled) ? this.nextOccurrence(slot, handled) : null;
    const previouslyHandled = memory.scheduledThrough;
    this.arm(slot, now);
    const missed = firstMissed !== null && firstMissed < now;
    // A retry belongs to its occurrence: a later (missed) occurrence or the next one supersedes it.
    if (memory.nextRetryAt !== null && (missed || (slot.nextDue !== null && memory.nextRetryAt >= slot.nextDue))) {
      memory.nextRetryAt = null;
    }
    if (firstMissed === null || !missed) return;
    if (slot.def.missed === 'once') {
      slot.catchUpPending = true;
      // Until the catch-up starts (and sets lastRun), a crash must not forget that it is owed.
      memory.scheduledThrough = previouslyHandled;
    } else {
      this.skip(this.pending, slot, firstMissed, 'missed');
    }
  }

  private skip(actions: SchedulerAction[], slot: JobSlot, at: number, reason: SkipReason): void {
    slot.memory.lastSkip = { at, reason };
    actions.push({ kind: 'skip', job: slot.def, at, reason });
  }

  private capReached(slot: JobSlot, now: number): boolean {
    const cap = slot.def.maxRunsPerDay;
    if (cap === undefined) return false;
    const today = localDateKey(now, slot.timeZone);
    return slot.memory.runsToday?.date === today && slot.memory.runsToday.count >= cap;
  }

  private startCapped(actions: SchedulerAction[], slot: JobSlot, now: number, reason: StartReason, occurrence: number): void {
    if (this.capReached(slot, now)) {
      slot.memory.nextRetryAt = null;
      this.skip(actions, slot, occurrence, 'daily-cap');
      return;
    }
    actions.push(this.start(slot, now, reason));
  }

  private start(slot: JobSlot, now: number, reason: StartReason): SchedulerAction & { kind: 'start' } {
    const runId = this.newRunId(slot.def, now);
    const running: Running = { runId, jobName: slot.def.name, reason, startedAt: now };
    slot.running = running;
    this.runs.set(runId, running);
    const memory = slot.memory;
    memory.lastRun = now;
    const today = localDateKey(now, slot.timeZone);
    memory.runsToday = memory.runsToday?.date === today ? { date: today, count: memory.runsToday.count + 1 } : { date: today, count: 1 };
    return { kind: 'start', job: slot.def, runId, reason };
  }
}
