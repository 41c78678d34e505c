import { ProtocolError } from '@clawchat/protocol';

/** Every timer of the provider layer: the backoff sleep and the idle watchdog. */

export function cancelledError(): ProtocolError {
  return new ProtocolError('CANCELLED', 'request cancelled');
}

/** Waits `ms`, or rejects with CANCELLED as soon as `signal` aborts (so a cancel never waits out a backoff). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(cancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `onIdle` once if `reset` is not called within `timeoutMs`. Started before the request is sent,
 * reset on every streamed piece: it bounds connect + time-to-first-token and every gap after that.
 */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onIdle: () => void,
  ) {
    this.reset();
  }

  get hasFired(): boolean {
    return this.fired;
  }

  reset(): void {
    if (this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.onIdle();
    }, this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
