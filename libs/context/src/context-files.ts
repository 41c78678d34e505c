/**
 * Which files make up the context at a given moment: the fixed list plus the daily notes of the local
 * "today" and "yesterday".
 */
import { CONTEXT_FILES, DAILY_MEMORY_DIR } from './constants';

/** Building an Intl.DateTimeFormat costs ~100 µs and happens every turn; one per time zone is enough. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The last answer per time zone, by minute. Every UTC offset in use is a whole number of minutes
 * (multiples of 15), so a calendar day always starts on a minute boundary and one answer per minute is
 * exact. formatToParts costs ~60 µs on a chat turn's path (the turn stats the context each time).
 */
const lastDay = new Map<string, { minute: number; date: string }>();

/** Calendar day of `now` in `timeZone` as YYYY-MM-DD. */
export function localDate(now: Date, timeZone: string): string {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastDay.get(timeZone);
  if (last && last.minute === minute) return last.date;
  let format = dayFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${part('year')}-${part('month')}-${part('day')}`;
  lastDay.set(timeZone, { minute, date });
  return date;
}

/** The calendar day before `date` (YYYY-MM-DD); date arithmetic, so a 23- or 25-hour DST day is fine. */
export function previousDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The list changes once a day; built again only then (it is asked for on every turn). */
let lastNames: { today: string; names: readonly string[] } | undefined;

/** Relative paths ('/'-separated, as shown in headings) in injection order. */
export function contextFileNames(now: Date, timeZone: string): readonly string[] {
  const today = localDate(now, timeZone);
  if (lastNames?.today !== today) {
    lastNames = { today, names: Object.freeze([...CONTEXT_FILES, `${DAILY_MEMORY_DIR}/${today}.md`, `${DAILY_MEMORY_DIR}/${previousDate(today)}.md`]) };
  }
  return lastNames.names;
}
