/**
 * Batches the pieces of a streamed reply into CHAT_DELTAs: a piece goes out at once when nothing was
 * sent within the last `windowMs`; otherwise it waits with the others until the window ends (or until
 * flush(), which the turn calls before its CHAT_DONE or ERROR so no text is ever left behind).
 * Time and the timer are injected so tests drive it without sleeping.
 */
export interface DeltaBatcherOptions {
  windowMs: number;
  now: () => number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  schedule: (fn: () => void, ms: number) => () => void;
}

export class DeltaBatcher {
  private pending = '';
  private lastSentAt = -Infinity;
  private cancelTimer: (() => void) | undefined;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly o: DeltaBatcherOptions,
  ) {}

  push(text: string): void {
    if (!text) return;
    const now = this.o.now();
    if (!this.pending && now - this.lastSentAt >= this.o.windowMs) {
      this.send(text, now);
      return;
    }
    this.pending += text;
    this.cancelTimer ??= this.o.schedule(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, Math.max(0, this.lastSentAt + this.o.windowMs - now));
  }

  /** Sends whatever waits, now. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.pending) {
      const text = this.pending;
      this.pending = '';
      this.send(text, this.o.now());
    }
  }

  private send(text: string, now: number): void {
    this.lastSentAt = now;
    this.emit(text);
  }
}

/** The real timer, unref'd: a batch waiting to go out must not keep a finished process alive. */
export function realTimer(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
