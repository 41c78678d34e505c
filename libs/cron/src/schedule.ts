/**
 * Next-run computation. cron-parser matches the fields; the mapping from a wall-clock time in the
 * job's zone to a real instant is done here, so the DST rule is ours, explicit, and the same whatever
 * instant the search starts from (cron-parser's own DST handling depends on where iteration began).
 *
 * Our DST rule (documented for users in context/CRON.md):
 * - Skipped time (clocks jump forward): an occurrence whose wall-clock time does not exist runs shifted
 *   forward by the length of the jump (02:30 on a 02:00→03:00 night runs at 03:30). If that lands on
 *   an occurrence that exists anyway, it runs once.
 * - Repeated time (clocks go back): a job with a fixed hour runs once, in the first pass (summer time).
 *   A job whose hour field is `*` (it runs every hour) also runs in the repeated hour, so it keeps
 *   running every real hour / every N real minutes.
 */
import { CronExpressionParser } from 'cron-parser';
import {
  DST_SEARCH_WINDOW_MS,
  MAX_CANDIDATES_PER_NEXT_RUN,
  SCHEDULE_MACROS,
} from './constants';
import { offsetMs } from './time-zone';

const DAY_MS = 86_400_000;

export interface CompiledSchedule {
  /** The expression as written (trimmed). */
  readonly expression: string;
  /** What cron-parser is given: macros expanded, whitespace collapsed. */
  readonly normalized: string;
  /** True when the hour field matches every hour: such jobs also run in a repeated DST hour. */
  readonly everyHour: boolean;
}

/** Thrown for an expression we do not accept; the message is one line a person can act on. */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const compiledCache = new Map<string, CompiledSchedule>();

export function compileSchedule(expression: string): CompiledSchedule {
  const trimmed = expression.trim();
  const cached = compiledCache.get(trimmed);
  if (cached) return cached;

  let normalized = trimmed.split(/\s+/).join(' ');
  if (normalized.startsWith('@')) {
    const expanded = SCHEDULE_MACROS[normalized.toLowerCase()];
    if (!expanded) {
      throw new ScheduleError(
        `Unknown schedule macro "${normalized}"; use one of ${Object.keys(SCHEDULE_MACROS).join(', ')} or a 5/6-field expression.`,
      );
    }
    normalized = expanded;
  }
  const fields = normalized === '' ? [] : normalized.split(' ');
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ScheduleError(
      `Schedule "${trimmed}" has ${fields.length} fields; write 5 (minute hour day month weekday) or 6 (seconds first).`,
    );
  }
  if (fields.some((field) => /(^|[^a-z])h([^a-z]|$)/i.test(field))) {
    throw new ScheduleError(`Schedule "${trimmed}" uses H (hash), which is not supported; write the minute explicitly.`);
  }
  let everyHour: boolean;
  try {
    const parsed = CronExpressionParser.parse(normalized, { tz: 'UTC', currentDate: new Date(0) });
    parsed.next(); // an expression that can never match (30 February) fails here, not at run time
    everyHour = parsed.fields.hour.values.length === 24;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScheduleError(`Invalid schedule "${trimmed}": ${reason}.`);
  }
  const compiled: CompiledSchedule = { expression: trimmed, normalized, everyHour };
  compiledCache.set(trimmed, compiled);
  return compiled;
}

/** null when the expression is acceptable, else the reason. */
export function validateSchedule(expression: string): string | null {
  try {
    compileSchedule(expression);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The real instants at which wall-clock time `wallMs` (fake UTC) happens in `timeZone`, after our DST
 * rule: one normally, the first (or both for every-hour jobs) in a repeated hour, a shifted one in a gap.
 */
function instantsForWallClock(wallMs: number, timeZone: string, everyHour: boolean): number[] {
  // At most one transition lies within a day of any instant in real zones, so the offsets a day
  // before and a day after are the two candidates.
  const offsetBefore = offsetMs(wallMs - DAY_MS, timeZone);
  const offsetAfter = offsetMs(wallMs + DAY_MS, timeZone);
  const valid: number[] = [];
  for (const offset of offsetBefore === offsetAfter ? [offsetBefore] : [offsetBefore, offsetAfter]) {
    const instant = wallMs - offset;
    if (offsetMs(instant, timeZone) === offset) valid.push(instant);
  }
  valid.sort((a, b) => a - b);
  if (valid.length === 0) return [wallMs - offsetBefore]; // skipped: shift forward by the gap
  if (valid.length === 2 && !everyHour) return [valid[0]]; // repeated: first pass only
  return valid;
}

/** First occurrence of `expression` strictly after `after`, in IANA zone `timeZone`. */
export function nextRun(expression: string, timeZone: string, after: Date): Date {
  const compiled = compileSchedule(expression);
  const afterMs = after.getTime();
  // A wall-clock time earlier than `after`'s own can still be later in real time when the clocks go
  // back (or were shifted forward by a gap), so start the walk at the lowest offset nearby.
  const lowestOffset = Math.min(
    offsetMs(afterMs - DST_SEARCH_WINDOW_MS, timeZone),
    offsetMs(afterMs, timeZone),
    offsetMs(afterMs + DST_SEARCH_WINDOW_MS, timeZone),
  );
  const candidates = CronExpressionParser.parse(compiled.normalized, {
    tz: 'UTC',
    currentDate: new Date(afterMs + lowestOffset - 1000),
  });

  let best: number | null = null;
  let bestHighestOffset = 0;
  for (let step = 0; step < MAX_CANDIDATES_PER_NEXT_RUN; step++) {
    const wallMs = candidates.next().getTime();
    // Later wall-clock candidates map to instants no earlier than wall - highest offset: stop there.
    if (best !== null && wallMs - bestHighestOffset > best) break;
    for (const instant of instantsForWallClock(wallMs, timeZone, compiled.everyHour)) {
      if (instant > afterMs && (best === null || instant < best)) {
        best = instant;
        bestHighestOffset = Math.max(
          offsetMs(instant - DST_SEARCH_WINDOW_MS, timeZone),
          offsetMs(instant, timeZone),
        );
      }
    }
  }
  if (best === null) {
    throw new ScheduleError(`Schedule "${compiled.expression}" has no run after ${after.toISOString()}.`);
  }
  return new Date(best);
}
