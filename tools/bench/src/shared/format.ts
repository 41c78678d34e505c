// Number formatting for the report: fixed precision so a re-run diff shows only changed figures.

const MB = 1_000_000;

/** Bytes per second as decimal megabytes per second (the unit network tools use). */
export function formatMBps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / MB).toFixed(1)} MB/s`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** An integer with thousands separators (narrow no-break space would confuse some viewers; use commas). */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Bytes in KiB with one decimal, or plain bytes below 1 KiB. */
export function formatBytes(n: number): string {
  if (Math.abs(n) < 1024) return `${Math.round(n)} B`;
  if (Math.abs(n) < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
