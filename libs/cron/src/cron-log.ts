/**
 * Run records: one JSON line per run in logs/cron/<job-slug>.jsonl, trimmed to its newest half when it
 * outgrows CRON_LOG_MAX_BYTES, so a chatty job can never fill the disk.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@clawchat/atomic-file';
import { CRON_LOG_MAX_BYTES, CRON_LOG_MAX_OUTPUT_CHARS, MAX_SLUG_CHARS } from './constants';
import type { StartReason } from './scheduler';

export interface CronRunRecord {
  runId: string;
  job: string;
  reason: StartReason;
  startedAt: string;
  finishedAt: string;
  ok: boolean;
  output: string;
  /** True when `output` was cut to CRON_LOG_MAX_OUTPUT_CHARS. */
  outputTruncated?: boolean;
  nextRetryAt?: string | null;
}

/** File-name-safe form of a job name ("Morning briefing" → "morning-briefing"). */
export function jobSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_CHARS)
    .replace(/-+$/, '');
  // A name with no ASCII letters or digits still needs a stable, distinct file.
  return slug || `job-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

export interface CronLogOptions {
  maxBytes?: number;
  maxOutputChars?: number;
}

export class CronLog {
  private readonly maxBytes: number;
  private readonly maxOutputChars: number;
  /** Appends and trims of this process run in order, so a trim never loses a concurrent append. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    options: CronLogOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? CRON_LOG_MAX_BYTES;
    this.maxOutputChars = options.maxOutputChars ?? CRON_LOG_MAX_OUTPUT_CHARS;
  }

  fileFor(jobName: string): string {
    return join(this.dir, `${jobSlug(jobName)}.jsonl`);
  }

  append(record: CronRunRecord): Promise<void> {
    return this.enqueue(async () => {
      const stored = { ...record };
      if (stored.output.length > this.maxOutputChars) {
        const cut = stored.output.length - this.maxOutputChars;
        stored.output = `${stored.output.slice(0, this.maxOutputChars)}\n[... ${cut} characters cut from this run's output ...]`;
        stored.outputTruncated = true;
      }
      const file = this.fileFor(record.job);
      await mkdir(this.dir, { recursive: true });
      await appendFile(file, `${JSON.stringify(stored)}\n`, { encoding: 'utf8', mode: 0o600 });
      const { size } = await stat(file);
      if (size > this.maxBytes) await this.keepNewestHalf(file);
    });
  }

  /** The job's most recent runs, newest first. Lines that are not valid records are skipped. */
  readRecent(jobName: string, limit: number): Promise<CronRunRecord[]> {
    return this.enqueue(async () => {
      let text: string;
      try {
        text = await readFile(this.fileFor(jobName), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const records: CronRunRecord[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const record = JSON.parse(line) as CronRunRecord;
          if (record && record.job === jobName) records.push(record);
        } catch {
          // a line torn by a crash mid-append; the rest of the file is still good
        }
      }
      return records.slice(-Math.max(0, limit)).reverse();
    });
  }

  private async keepNewestHalf(file: string): Promise<void> {
    const bytes = await readFile(file);
    const keepFrom = bytes.length - Math.floor(this.maxBytes / 2);
    let lineStart = bytes.indexOf(0x0a, Math.max(0, keepFrom - 1)) + 1; // first whole line in the kept part
    // One record bigger than half the limit: keep that newest record rather than an empty file.
    if (lineStart >= bytes.length) lineStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    await writeFileAtomic(file, bytes.subarray(lineStart).toString('utf8'));
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
