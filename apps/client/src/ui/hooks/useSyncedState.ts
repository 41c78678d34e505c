/**
 * State whose latest value can be read synchronously. Ink delivers every key of one stdin chunk
 * in the same tick, before React re-renders, so a key handler that read the rendered state would
 * drop keys typed (or auto-repeated) quickly. Handlers read `ref.current` instead.
 */
import { useCallback, useRef, useState, type MutableRefObject } from 'react';

export function useSyncedState<T>(initial: T | (() => T)): [T, MutableRefObject<T>, (next: T) => void] {
  const [value, setValue] = useState<T>(initial);
  const ref = useRef<T>(value);
  const set = useCallback((next: T) => {
    ref.current = next;
    setValue(next);
  }, []);
  return [value, ref, set];
}
