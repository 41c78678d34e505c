/** Short human durations and times for the status line and the Crontab tab (pure). */

/** `45s`, `12m`, `1h05m`, `3d4h`. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

/** `in 5m`, `3m ago`, `now`. */
export function relativeTime(atMs: number, nowMs: number): string {
  const delta = atMs - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${shortDuration(delta)}` : `${shortDuration(-delta)} ago`;
}

/** relativeTime inside a sentence: `just now` rather than a bare `now` ("used by this device just now"). */
export function relativeTimeInText(atMs: number, nowMs: number): string {
  const text = relativeTime(atMs, nowMs);
  return text === 'now' ? 'just now' : text;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local `HH:MM` for today, `MM-DD HH:MM` otherwise. */
export function absoluteTime(atMs: number, nowMs: number): string {
  const at = new Date(atMs);
  const now = new Date(nowMs);
  const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? hm : `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${hm}`;
}

/** Accepts epoch milliseconds or an ISO string; anything else is "unknown". */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
