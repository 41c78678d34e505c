/** The list behind `<Static>`: only ever appended to, each item written to the terminal once. */
import { useCallback, useRef, useState } from 'react';
import type { AddScrollback, NewScrollbackItem, ScrollbackItem } from '../state/scrollback';

export function useScrollback(): { items: ScrollbackItem[]; add: AddScrollback } {
  const [items, setItems] = useState<ScrollbackItem[]>([]);
  const nextId = useRef(0);
  const add = useCallback((...added: NewScrollbackItem[]) => {
    if (added.length === 0) return;
    const withIds = added.map((item) => ({ ...item, id: nextId.current++ }));
    setItems((current) => [...current, ...withIds]);
  }, []);
  return { items, add };
}
