/**
 * Cron jobs from <context>/CRON.md, driven by the pure Scheduler of @clawchat/cron:
 * - a timer wakes at scheduler.nextWakeAt() (at most CRON_MAX_SLEEP_MS later, so clock jumps are
 *   noticed) and starts what tick() asks for;
 * - a run sends the job's prompt with the context files to the provider in its own short session
 *   (never the chat), writes a record to <state>/logs/cron/ (CronLog) and pushes CRON_EVENT
 *   started/finished to every connected client;
 * - state goes to the sidecar file (CronStateStore) after every tick that did something, every
 *   finished run and every reload;
 * - CRON.md is watched; saving it reloads the jobs (debounced), same as CRON_RELOAD;
 *   CRON_ENABLE/DISABLE rewrite only that job's `enabled:` line (setJobEnabled) with an atomic write.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CronLog,
  CronStateStore,
  jobSlug,
  parseCronFile,
  Scheduler,
  setJobEnabled,
  cronConstants,
  type CronJobDefinition,
  type CronParseError as LibParseError,
  type SchedulerAction,
} from '@clawchat/cron';
import { writeFileAtomic } from '@clawchat/atomic-file';
import type { Provider } from '@clawchat/llm';
import {
  isMessageId,
  MAX_TEXT_CHARS,
  ProtocolError,
  STREAM_CLASS_CONTROL,
  type CronDisableMessage,
  type CronEnableMessage,
  type CronEventMessage,
  type CronLogMessage,
  type CronParseError,
  type CronRunMessage,
  type OkResultMap,
} from '@clawchat/protocol';
import { CRON_FILE, CRON_LOG_DIR, CRON_MAX_SLEEP_MS, CRON_STATE_FILE, CRON_WATCH_DEBOUNCE_MS } from '../constants';
import type { TurnContext } from '../context-source';
import type { Outbox } from '../link/outbox';
import type { CronHandlers } from '../link/router';
import { describeError, type Logger } from '../log';

export interface CronServiceDeps {
  contextDir: string;
  stateDir: string;
  provider: Provider;
  context: () => TurnContext;
  outbox: Outbox;
  log: Logger;
  /** Wall clock (cron schedules are wall-clock times). */
  now?: () => number;
  /** Watch CRON.md for edits (off in unit tests that drive reload themselves). */
  watch?: boolean;
}

type StartAction = SchedulerAction & { kind: 'start' };

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function msOrNull(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function publicErrors(errors: readonly LibParseError[]): CronParseError[] {
  return errors.map((e) => (e.job === undefined ? { line: e.line, message: e.message } : { line: e.line, job: e.job.slice(0, 256), message: e.message }));
}

export class CronService implements CronHandlers {
  private scheduler!: Scheduler;
  private jobs: CronJobDefinition[] = [];
  private errors: LibParseError[] = [];
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  /** CRON.md reads and rewrites one at a time, so a reload never sees half of an enable. */
  private fileQueue: Promise<unknown> = Promise.resolve();
  private runCounter = 0;
  private closed = false;
  private readonly stateStore: CronStateStore;
  readonly cronLog: CronLog;
  readonly cronFile: string;
  private readonly now: () => number;

  private constructor(private readonly d: CronServiceDeps) {
    this.now = d.now ?? Date.now;
    this.cronFile = join(d.contextDir, CRON_FILE);
    this.stateStore = new CronStateStore(join(d.stateDir, CRON_STATE_FILE));
    this.cronLog = new CronLog(join(d.stateDir, CRON_LOG_DIR));
  }

  static async start(d: CronServiceDeps): Promise<CronService> {
    const service = new CronService(d);
    await service.init();
    return service;
  }

  private async init(): Promise<void> {
    const loaded = await this.stateStore.load();
    if (loaded.warning) this.d.log.warn('cron', loaded.warning);
    this.parse(await this.readCronFile());
    this.scheduler = new Scheduler({
      jobs: this.jobs,
      state: loaded.state,
      now: this.now(),
      newRunId: (job, now) => `${jobSlug(job.name).slice(0, 40)}-${now.toString(36)}-${++this.runCounter}`,
    });
    this.d.log.info('cron', `${this.jobs.length} job(s) from ${this.cronFile}${this.errors.length ? `, ${this.errors.length} problem(s)` : ''}`);
    await this.saveState();
    if (this.d.watch !== false) this.startWatching();
    // The first tick runs at once: catch-up runs of jobs missed while the server was down.
    this.arm(0);
  }

  // ------------------------------------------------------------------ requests

  async list(): Promise<OkResultMap['CRON_LIST']> {
    return {
      jobs: this.scheduler.snapshot().map((job) => ({
        name: job.name,
        schedule: job.schedule,
        enabled: job.enabled,
        next_run: msOrNull(job.next_run),
        last_run: msOrNull(job.last_run),
        last_status: job.last_status === null ? null : job.last_status === 'ok' ? 'ok' : 'error',
        missed_policy: job.missed_policy,
      })),
      errors: publicErrors(this.errors),
    };
  }

  async run(m: CronRunMessage): Promise<OkResultMap['CRON_RUN']> {
    if (this.closed) throw new ProtocolError('BUSY', 'The LLM server is shutting down; try again when it is back.');
    const action = this.scheduler.runNow(m.name, this.now());
    this.execute(action);
    await this.saveState();
    return { runId: action.runId };
  }

  reload(): Promise<OkResultMap['CRON_RELOAD']> {
    return this.serialised(async () => {
      this.parse(await this.readCronFile());
      this.scheduler.setJobs(this.jobs, this.now());
      await this.saveState();
      this.arm();
      this.d.log.info('cron', `reloaded ${this.cronFile}: ${this.jobs.length} job(s)${this.errors.length ? `, ${this.errors.length} problem(s)` : ''}`);
      this.d.outbox.push({ type: 'CRON_CHANGED', jobs: this.jobs.length, errors: this.errors.length }, STREAM_CLASS_CONTROL);
      return { jobs: this.jobs.length, errors: publicErrors(this.errors) };
    });
  }

  async log(m: CronLogMessage): Promise<OkResultMap['CRON_LOG']> {
    const name = this.jobs.find((j) => j.name.toLowerCase() === m.name.trim().toLowerCase())?.name ?? m.name;
    const records = await this.cronLog.readRecent(name, m.limit);
    return {
      runs: records
        .filter((r) => isMessageId(r.runId))
        .map((r) => ({
          runId: r.runId,
          startedAt: msOrNull(r.startedAt) ?? 0,
          finishedAt: msOrNull(r.finishedAt),
          status: r.ok ? ('ok' as const) : ('error' as const),
          output: String(r.output ?? '').slice(0, MAX_TEXT_CHARS),
        })),
    };
  }

  enable(m: CronEnableMessage): Promise<OkResultMap['CRON_ENABLE']> {
    return this.toggle(m.name, true);
  }

  disable(m: CronDisableMessage): Promise<OkResultMap['CRON_DISABLE']> {
    return this.toggle(m.name, false);
  }

  private async toggle(name: string, enabled: boolean): Promise<{ name: string; enabled: boolean }> {
    await this.serialised(async () => {
      let text: string;
      try {
        text = await readFile(this.cronFile, 'utf8');
      } catch {
        throw new ProtocolError('NOT_FOUND', `There is no CRON.md in the context folder (${this.d.contextDir}); create it to add jobs.`);
      }
      const updated = setJobEnabled(text, name, enabled);
      if (updated !== text) {
        const { mode } = await stat(this.cronFile);
        await writeFileAtomic(this.cronFile, updated, mode & 0o777);
      }
      this.d.log.info('cron', `job ${JSON.stringify(name)} ${enabled ? 'enabled' : 'disabled'} in CRON.md`);
    });
    await this.reload();
    const canonical = this.jobs.find((j) => j.name.toLowerCase() === name.trim().toLowerCase())?.name ?? name;
    return { name: canonical, enabled };
  }

  // ------------------------------------------------------------------ scheduling

  private arm(delayMs?: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const wake = this.scheduler.nextWakeAt();
    if (wake === null && delayMs === undefined) return;
    const delay = delayMs ?? Math.min(Math.max(0, (wake as number) - this.now()), CRON_MAX_SLEEP_MS);
    this.timer = setTimeout(() => this.onTimer(), delay);
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.closed) return;
    const actions = this.scheduler.tick(this.now());
    for (const action of actions) {
      if (action.kind === 'start') {
        this.execute(action);
      } else {
        this.d.log.info('cron', `job ${JSON.stringify(action.job.name)}: the run due ${new Date(action.at).toISOString()} was skipped (${action.reason})`);
      }
    }
    if (actions.length > 0) void this.saveState();
    this.arm();
  }

  private execute(action: StartAction): void {
    const controller = new AbortController();
    const done = this.runJob(action, controller.signal)
      .catch((error: unknown) => this.d.log.error('cron', `run ${action.runId} failed unexpectedly: ${describeError(error)}`, error))
      .finally(() => {
        this.running.delete(action.runId);
        this.arm();
      });
    this.running.set(action.runId, { controller, done });
  }

  private async runJob(action: StartAction, signal: AbortSignal): Promise<void> {
    const { job, runId, reason } = action;
    const startedAt = this.now();
    this.d.log.info('cron', `job ${JSON.stringify(job.name)} started (run ${runId}, ${reason})`);
    this.pushEvent({ type: 'CRON_EVENT', job: job.name, event: 'started', runId, at: startedAt });
    let ok = false;
    let output = '';
    try {
      const context = this.d.context();
      const stream = this.d.provider.stream({ system: context.systemPrompt, messages: [{ role: 'user', content: job.prompt }], signal, contextFiles: context.files });
      for await (const event of stream) {
        if (event.kind === 'delta' && output.length < MAX_TEXT_CHARS) output += event.text;
      }
      output = output.slice(0, MAX_TEXT_CHARS);
      ok = true;
    } catch (error) {
      if (this.closed) output = 'interrupted: the LLM server shut down during the run';
      else if (error instanceof ProtocolError) output = `${error.code}: ${error.message}`;
      else {
        output = 'the run failed with an internal error; see the LLM server log';
        this.d.log.error('cron', `run ${runId}: ${describeError(error)}`, error);
      }
    }
    const finishedAt = this.now();
    const finished = this.scheduler.runFinished(runId, finishedAt, ok, output);
    if (finished) {
      try {
        await this.cronLog.append({
          runId,
          job: finished.job,
          reason,
          startedAt: new Date(startedAt).toISOString(),
          finishedAt: new Date(finishedAt).toISOString(),
          ok,
          output,
          nextRetryAt: isoOrNull(finished.nextRetryAt),
        });
      } catch (error) {
        this.d.log.error('cron', `could not write the run log of ${JSON.stringify(job.name)}: ${describeError(error)}`, error);
      }
    }
    await this.saveState();
    const eventOutput = output.slice(0, cronConstants.CRON_LOG_MAX_OUTPUT_CHARS);
    this.pushEvent({ type: 'CRON_EVENT', job: job.name, event: 'finished', runId, status: ok ? 'ok' : 'error', output: eventOutput, at: finishedAt });
    const retry = finished?.nextRetryAt ? `; retry at ${new Date(finished.nextRetryAt).toISOString()}` : '';
    this.d.log.info('cron', `job ${JSON.stringify(job.name)} finished: ${ok ? 'ok' : 'error'} in ${finishedAt - startedAt} ms (run ${runId})${retry}`);
  }

  private pushEvent(event: CronEventMessage): void {
    this.d.outbox.push(event, STREAM_CLASS_CONTROL);
  }

  // ------------------------------------------------------------------ CRON.md

  private async readCronFile(): Promise<string> {
    try {
      return await readFile(this.cronFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.d.log.warn('cron', `cannot read ${this.cronFile} (${(error as NodeJS.ErrnoException).code}); no jobs until it is readable`);
      }
      return '';
    }
  }

  private parse(text: string): void {
    const parsed = parseCronFile(text);
    this.jobs = parsed.jobs;
    this.errors = parsed.errors;
    for (const e of parsed.errors) this.d.log.warn('cron', `CRON.md line ${e.line}${e.job ? ` (job ${JSON.stringify(e.job)})` : ''}: ${e.message}`);
  }

  private startWatching(): void {
    try {
      // The folder, not the file: editors save by renaming a new file over the old one.
      this.watcher = watch(this.d.contextDir, { persistent: false }, (_event, filename) => {
        if (filename !== null && filename.toString() !== CRON_FILE) return;
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => {
          this.debounce = undefined;
          if (this.closed) return;
          this.reload().catch((error: unknown) => this.d.log.warn('cron', `reload after CRON.md changed failed: ${describeError(error)}`));
        }, CRON_WATCH_DEBOUNCE_MS);
        this.debounce.unref();
      });
      this.watcher.on('error', (error) => {
        this.d.log.warn('cron', `stopped watching ${this.d.contextDir}: ${describeError(error)}; after editing CRON.md, reload it with \`clawchat cron reload\` or from the Crontab tab`);
        this.watcher?.close();
      });
    } catch (error) {
      this.d.log.warn('cron', `cannot watch ${this.d.contextDir} (${describeError(error)}); after editing CRON.md, reload it with \`clawchat cron reload\` or from the Crontab tab`);
    }
  }

  private serialised<T>(task: () => Promise<T>): Promise<T> {
    const result = this.fileQueue.then(task);
    this.fileQueue = result.catch(() => undefined);
    return result;
  }

  private async saveState(): Promise<void> {
    try {
      await this.stateStore.save(this.scheduler.exportState());
    } catch (error) {
      this.d.log.error('cron', `could not save the cron state: ${describeError(error)}`, error);
    }
  }

  /** Running runs of a job (tests). */
  get runningCount(): number {
    return this.running.size;
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.watcher?.close();
    for (const run of this.running.values()) run.controller.abort();
    await this.settled();
    await this.fileQueue;
    await this.saveState();
  }
}
