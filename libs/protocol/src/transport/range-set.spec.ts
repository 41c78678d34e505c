import { RangeSet } from './range-set';

/** The set as plain numbers, to compare against a naive model. */
function members(set: RangeSet): number[] {
  const out: number[] = [];
  for (const r of set.list()) for (let v = r.start; v < r.end; v++) out.push(v);
  return out;
}

describe('RangeSet', () => {
  test('in-order additions extend the last range in place; a gap starts a new one', () => {
    const set = new RangeSet();
    expect(set.add(0, 1)).toBe(1);
    expect(set.add(1, 2)).toBe(1);
    expect(set.add(1, 3)).toBe(1);
    expect(set.add(0, 3)).toBe(0);
    expect(set.add(5, 6)).toBe(1);
    expect(set.list()).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 6 },
    ]);
    expect(set.add(3, 5)).toBe(2);
    expect(set.list()).toEqual([{ start: 0, end: 6 }]);
  });

  test('a bounded set forgets its oldest ranges, on the fast path too', () => {
    const set = new RangeSet(2);
    set.add(0, 1);
    set.add(2, 3);
    set.add(4, 5);
    expect(set.list()).toEqual([
      { start: 2, end: 3 },
      { start: 4, end: 5 },
    ]);
  });

  test('random additions and removals match a naive model (added counts included)', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const set = new RangeSet();
      const model = new Set<number>();
      let cursor = 0;
      for (let step = 0; step < 200; step++) {
        // Mostly in order (like packet numbers), sometimes behind or far ahead.
        const start = rand(4) === 0 ? rand(cursor + 20) : cursor + rand(3);
        const end = start + rand(6);
        if (rand(10) === 0) {
          set.remove(start, end);
          for (let v = start; v < end; v++) model.delete(v);
          continue;
        }
        let fresh = 0;
        for (let v = start; v < end; v++) {
          if (model.has(v)) continue;
          fresh++;
          model.add(v);
        }
        expect(set.add(start, end)).toBe(fresh);
        cursor = Math.max(cursor, end);
        for (let i = 1; i < set.list().length; i++) expect(set.list()[i].start).toBeGreaterThan(set.list()[i - 1].end);
      }
      expect(members(set)).toEqual([...model].sort((a, b) => a - b));
    }
  });
});
