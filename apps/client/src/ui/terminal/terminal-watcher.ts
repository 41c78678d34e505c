/**
 * The terminal's size for the UI, and a clean re-layout when it changes. Created before Ink's render,
 * so its resize listener runs first: it clears the old frame's re-wrapped rows (frame-reflow.ts),
 * then publishes the new size, and Ink's own resize handling (taken over by deferListenersOf) runs
 * only after the UI has re-rendered at that size.
 */
import { FrameTracker, reflowEraseSequence } from './frame-reflow';
import { DEFAULT_COLUMNS, DEFAULT_ROWS } from '../constants';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** A source of the terminal size for `useSyncExternalStore`. */
export interface TerminalSizeSource {
  getSize(): TerminalSize;
  subscribe(listener: () => void): () => void;
}

export function readTerminalSize(stream: { columns?: number; rows?: number }): TerminalSize {
  return { columns: stream.columns || DEFAULT_COLUMNS, rows: stream.rows || DEFAULT_ROWS };
}

export class TerminalWatcher implements TerminalSizeSource {
  private size: TerminalSize;
  private readonly listeners = new Set<() => void>();
  private readonly frames = new FrameTracker();
  private readonly originalWrite: NodeJS.WriteStream['write'];
  /** Ink's resize listeners, run after the UI has re-rendered at the new size (see deferListenersOf). */
  private deferred: ((...args: unknown[]) => void)[] = [];
  private deferTimer: NodeJS.Immediate | undefined;

  constructor(private readonly stdout: NodeJS.WriteStream) {
    this.size = readTerminalSize(stdout);
    this.originalWrite = stdout.write;
    const frames = this.frames;
    const original = this.originalWrite;
    stdout.write = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
      frames.observe(args[0]);
      return (original as (...a: unknown[]) => boolean).apply(this, args);
    } as NodeJS.WriteStream['write'];
    stdout.on('resize', this.onResize);
  }

  getSize = (): TerminalSize => this.size;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /**
   * Runs `start` (Ink's render) and takes over the resize listeners it adds: they run only once the
   * UI has re-rendered at the new size. React schedules that re-render (even in Ink's legacy mode)
   * rather than doing it inside our listener, so Ink's handler, called right away, would otherwise
   * draw one frame of the old layout — lines as wide as the old terminal — and lose track of it.
   */
  deferListenersOf<T>(start: () => T): T {
    const before = new Set(this.stdout.listeners('resize'));
    const result = start();
    for (const listener of this.stdout.listeners('resize')) {
      if (before.has(listener)) continue;
      this.stdout.off('resize', listener as (...args: unknown[]) => void);
      this.deferred.push(listener as (...args: unknown[]) => void);
    }
    return result;
  }

  private onResize = (): void => {
    const next = readTerminalSize(this.stdout);
    if (next.columns === this.size.columns && next.rows === this.size.rows) return;
    if (next.columns < this.size.columns && this.stdout.isTTY) {
      const erase = reflowEraseSequence(this.frames.lastFrame, next.columns);
      // Past the tracker: this is not a frame.
      if (erase) this.originalWrite.call(this.stdout, erase);
    }
    this.size = next;
    for (const listener of [...this.listeners]) listener();
    // After React's re-render (a microtask); one run for a burst of resize events.
    if (this.deferred.length > 0 && !this.deferTimer) {
      this.deferTimer = setImmediate(() => {
        this.deferTimer = undefined;
        for (const listener of this.deferred) listener();
      });
    }
  };

  dispose(): void {
    if (this.deferTimer) clearImmediate(this.deferTimer);
    this.deferred = [];
    this.stdout.off('resize', this.onResize);
    this.stdout.write = this.originalWrite;
    this.listeners.clear();
  }
}
