/**
 * A sorted set of disjoint half-open integer ranges [start, end). Used for packet numbers received
 * (to build ACK frames), stream bytes acknowledged (to free send buffers) and stream bytes received.
 * Adjacent and overlapping ranges are merged, so the set stays as small as the gaps in it.
 */
export interface Range {
  start: number;
  end: number;
}

export class RangeSet {
  private ranges: Range[] = [];

  constructor(private readonly maxRanges = Infinity) {}

  get size(): number {
    return this.ranges.length;
  }

  /** Ranges in ascending order (do not mutate). */
  list(): readonly Range[] {
    return this.ranges;
  }

  /** Adds [start, end); returns the number of values that were not already present. */
  add(start: number, end: number): number {
    if (end <= start) return 0;
    const r = this.ranges;
    // Fast path, the common case (packet numbers and stream bytes mostly arrive in order): the new
    // range starts at or after the start of the last one, so it extends that range in place or follows it.
    const last = r[r.length - 1];
    if (last !== undefined && start >= last.start) {
      if (start > last.end) {
        r.push({ start, end });
        while (r.length > this.maxRanges) r.shift();
        return end - start;
      }
      if (end <= last.end) return 0;
      const added = end - last.end;
      last.end = end;
      return added;
    }
    // First range whose end >= start (it may merge with the new one).
    let i = this.lowerBound(start);
    let added = end - start;
    let newStart = start;
    let newEnd = end;
    let j = i;
    while (j < r.length && r[j].start <= newEnd) {
      const overlap = Math.min(r[j].end, end) - Math.max(r[j].start, start);
      if (overlap > 0) added -= overlap;
      newStart = Math.min(newStart, r[j].start);
      newEnd = Math.max(newEnd, r[j].end);
      j++;
    }
    r.splice(i, j - i, { start: newStart, end: newEnd });
    // Forget the oldest ranges when bounded (the peer retransmits what we forget; nothing breaks).
    while (r.length > this.maxRanges) {
      r.shift();
      i--;
    }
    return added;
  }

  has(value: number): boolean {
    const i = this.lowerBound(value + 1) - 1;
    const k = i < 0 ? 0 : i;
    for (let x = k; x < this.ranges.length && this.ranges[x].start <= value; x++) {
      if (value < this.ranges[x].end) return true;
    }
    return false;
  }

  /** End of the contiguous run starting at `from` (== from when `from` is missing). */
  contiguousEnd(from: number): number {
    for (const range of this.ranges) {
      if (range.start <= from && from < range.end) return range.end;
      if (range.start > from) break;
    }
    return from;
  }

  /** Removes everything below `value`. */
  dropBelow(value: number): void {
    while (this.ranges.length && this.ranges[0].end <= value) this.ranges.shift();
    if (this.ranges.length && this.ranges[0].start < value) this.ranges[0].start = value;
  }

  /** The parts of [start, end) that are NOT in the set, ascending. */
  gaps(start: number, end: number): Range[] {
    const out: Range[] = [];
    let cursor = start;
    for (let i = this.lowerBound(start + 1) - 1 < 0 ? 0 : this.lowerBound(start + 1) - 1; i < this.ranges.length; i++) {
      const r = this.ranges[i];
      if (r.start >= end) break;
      if (r.end <= cursor) continue;
      if (r.start > cursor) out.push({ start: cursor, end: Math.min(r.start, end) });
      cursor = Math.max(cursor, r.end);
      if (cursor >= end) break;
    }
    if (cursor < end) out.push({ start: cursor, end });
    return out;
  }

  /** Removes [start, end) from the set. */
  remove(start: number, end: number): void {
    if (end <= start || this.ranges.length === 0) return;
    // Nothing to remove when [start, end) lies entirely outside the set's span (the usual case: an
    // acknowledged range that was never queued for retransmission).
    if (end <= this.ranges[0].start || start >= this.ranges[this.ranges.length - 1].end) return;
    const next: Range[] = [];
    for (const r of this.ranges) {
      if (r.end <= start || r.start >= end) next.push(r);
      else {
        if (r.start < start) next.push({ start: r.start, end: start });
        if (r.end > end) next.push({ start: end, end: r.end });
      }
    }
    this.ranges = next;
  }

  first(): Range | undefined {
    return this.ranges[0];
  }

  last(): Range | undefined {
    return this.ranges[this.ranges.length - 1];
  }

  /** Index of the first range with end >= value. */
  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid].end < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
