/** Pure helpers for transfer progress: a moving-window speed meter and human-readable figures. */
import { SPEED_WINDOW_MS } from './constants';

interface Sample {
  atMs: number;
  bytes: number;
}

/** Speed over the last `windowMs`, fed with (time, total bytes so far). */
export class SpeedMeter {
  private samples: Sample[] = [];

  constructor(private readonly windowMs = SPEED_WINDOW_MS) {}

  sample(atMs: number, totalBytes: number): void {
    this.samples.push({ atMs, bytes: totalBytes });
    // Keep one sample older than the window so the rate always spans the whole window.
    while (this.samples.length > 2 && this.samples[1].atMs <= atMs - this.windowMs) this.samples.shift();
  }

  bytesPerSecond(): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const elapsedMs = last.atMs - first.atMs;
    return elapsedMs > 0 ? ((last.bytes - first.bytes) * 1000) / elapsedMs : 0;
  }
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Seconds left at the current speed, or undefined when it cannot be estimated yet. */
export function etaSeconds(doneBytes: number, totalBytes: number | undefined, bytesPerSecond: number): number | undefined {
  if (totalBytes === undefined || bytesPerSecond <= 0) return undefined;
  return Math.max(0, totalBytes - doneBytes) / bytesPerSecond;
}
