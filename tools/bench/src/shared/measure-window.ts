import { performance } from 'node:perf_hooks';

export interface WindowResult {
  count: number;
  elapsedMs: number;
}

/**
 * Counts something over a fixed window that starts `warmupMs` after the first event, so slow start,
 * JIT compilation and the handshake are left out. The snapshots use the real clock, so a busy event
 * loop that fires the timers late does not skew the rate.
 */
export class MeasureWindow {
  private armed = false;

  constructor(
    private readonly warmupMs: number,
    private readonly windowMs: number,
    private readonly read: () => number,
    private readonly done: (r: WindowResult) => void,
  ) {}

  /** Call on every event; the first call starts the clock. */
  arm(): void {
    if (this.armed) return;
    this.armed = true;
    setTimeout(() => {
      const startCount = this.read();
      const startAt = performance.now();
      setTimeout(() => this.done({ count: this.read() - startCount, elapsedMs: performance.now() - startAt }), this.windowMs);
    }, this.warmupMs);
  }
}
