/**
 * One decoder per Ink instance: turns Ink's raw input events into keys (keys.ts), tracking
 * bracketed pastes, and hands every key to the active handlers. Doing this once, not in each
 * handler, keeps the paste state consistent for all of them.
 */
import type { EventEmitter } from 'node:events';
import { decodeKey, splitInput, type Keypress } from '../keys';

export class KeyStream {
  private readonly listeners = new Set<(key: Keypress) => void>();
  private pasting = false;
  /** Set when the terminal marks pastes: unmarked chunks are then typed keys. */
  pasteMarks = false;

  constructor(events: EventEmitter) {
    events.on('input', (raw: string) => this.dispatch(raw));
  }

  subscribe(listener: (key: Keypress) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private dispatch(raw: string): void {
    for (const part of splitInput(raw, this.pasteMarks && !this.pasting)) {
      const key = decodeKey(part);
      if (key.name === 'paste-start') this.pasting = true;
      if (key.name === 'paste-end') this.pasting = false;
      for (const listener of [...this.listeners]) listener(key);
    }
  }
}

const streams = new WeakMap<EventEmitter, KeyStream>();

export function keyStreamFor(events: EventEmitter): KeyStream {
  let stream = streams.get(events);
  if (!stream) {
    stream = new KeyStream(events);
    streams.set(events, stream);
  }
  return stream;
}
