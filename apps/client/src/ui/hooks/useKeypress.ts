/**
 * Key handling for the whole UI. Reads Ink's raw input events (one per key or per paste) and
 * decodes them with keys.ts, because Ink's `useInput` cannot tell F1/F2/F3 apart, nor Backspace
 * from Delete.
 *
 * Subscriptions are layout effects: they change during React's commit, so a key typed right after
 * one that opened a prompt goes to the prompt. Passive effects run later, and a fast second key
 * would still reach the screen the first key just left.
 */
import { useLayoutEffect, useRef } from 'react';
import { useStdin } from 'ink';
import type { Keypress } from '../keys';
import { keyStreamFor } from './key-stream';

export function useKeypress(handler: (key: Keypress) => void, isActive = true): void {
  const { internal_eventEmitter: events, setRawMode, isRawModeSupported } = useStdin();
  const latest = useRef(handler);
  latest.current = handler;

  useLayoutEffect(() => {
    if (!isActive || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, isRawModeSupported, setRawMode]);

  useLayoutEffect(() => {
    if (!isActive) return;
    return keyStreamFor(events).subscribe((key) => latest.current(key));
  }, [isActive, events]);
}

/** Tells the decoder whether the terminal marks pastes (see keys.ts splitInput). */
export function usePasteMarks(enabled: boolean): void {
  const { internal_eventEmitter: events } = useStdin();
  useLayoutEffect(() => {
    keyStreamFor(events).pasteMarks = enabled;
  }, [events, enabled]);
}
