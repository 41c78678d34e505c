/**
 * A bounded table that forgets the least recently used entry: what the responder remembers per
 * source or per initiator must not grow with the number of strangers who ever sent it something.
 */

/** Sets `key` as the most recently used entry of an insertion-ordered map, forgetting the least recent beyond `limit`. */
export function setMostRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}
