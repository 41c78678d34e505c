/**
 * Which files make up the context at a given moment: the fixed list plus the daily notes of the local
 * "today" and "yesterday".
 */
import { CONTEXT_FILES, DAILY_MEMORY_DIR } from './constants';

/** Building an Intl.DateTimeFormat costs ~100 µs and happens every turn; one per time zone is enough. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar day of `now` in `timeZone` as YYYY-MM-DD. */
export function localDate(now: Date, timeZone: string): string {
  let format = dayFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The calendar day before `date` (YYYY-MM-DD); date arithmetic, so a 23- or 25-hour DST day is fine. */
export function previousDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Relative paths ('/'-separated, as shown in headings) in injection order. */
export function contextFileNames(now: Date, timeZone: string): string[] {
  const today = localDate(now, timeZone);
  return [...CONTEXT_FILES, `${DAILY_MEMORY_DIR}/${today}.md`, `${DAILY_MEMORY_DIR}/${previousDate(today)}.md`];
}
