/**
 * Time-zone arithmetic with nothing but Intl: the UTC offset of an instant in an IANA zone, the wall
 * clock it shows there, and the calendar day (for max_runs_per_day).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The server's own zone, used when a job names none. */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall clock shown in `timeZone` at instant `ms`, expressed as if that wall clock were UTC
 * ("fake UTC"); milliseconds are kept. Subtracting `ms` gives the zone's offset.
 */
export function wallClockMs(ms: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value ?? NaN);
  const wholeSeconds = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return wholeSeconds + (((ms % 1000) + 1000) % 1000);
}

/** UTC offset of `timeZone` at instant `ms`, in milliseconds (Berlin in summer: +7 200 000). */
export function offsetMs(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) - ms;
}

/** Calendar day of instant `ms` in `timeZone` as `YYYY-MM-DD`. */
export function localDateKey(ms: number, timeZone: string): string {
  return new Date(wallClockMs(ms, timeZone)).toISOString().slice(0, 10);
}
