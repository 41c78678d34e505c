import { SentPacketQueue } from './sent-queue';

interface P {
  pn: number;
}

/** Everything in the queue, oldest first, walked the way the loss detector walks it. */
function walk(q: SentPacketQueue<P>): number[] {
  const out: number[] = [];
  for (let p = q.oldest(); p !== undefined; p = q.after(p.pn)) out.push(p.pn);
  return out;
}

describe('SentPacketQueue', () => {
  test('keeps packets in number order across gaps and finds them by number', () => {
    const q = new SentPacketQueue<P>();
    for (const pn of [3, 4, 7, 10]) q.add({ pn });
    expect(q.size).toBe(4);
    expect(walk(q)).toEqual([3, 4, 7, 10]);
    expect(q.get(7)?.pn).toBe(7);
    expect(q.get(5)).toBeUndefined();
    expect(q.get(2)).toBeUndefined();
    expect(q.delete(5)).toBe(false);
    expect(q.delete(3)).toBe(true);
    expect(q.delete(3)).toBe(false);
    expect(q.oldest()?.pn).toBe(4);
    expect(q.after(4)?.pn).toBe(7);
    expect(q.after(8)?.pn).toBe(10);
    expect(q.after(10)).toBeUndefined();
    expect(() => q.add({ pn: 9 })).toThrow(RangeError);
  });

  test('an emptied queue starts again from any later number', () => {
    const q = new SentPacketQueue<P>();
    q.add({ pn: 1 });
    q.delete(1);
    expect(q.size).toBe(0);
    expect(q.oldest()).toBeUndefined();
    q.add({ pn: 50 });
    expect(walk(q)).toEqual([50]);
  });

  test('matches a Map through a long run of in-order sends and mostly-oldest-first removals (compaction included)', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const q = new SentPacketQueue<P>();
    const model = new Map<number, P>();
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      // First balanced (the window slides far: compaction and emptying), then growing (a large window).
      if (rand(step < 10_000 ? 2 : 3) > 0 || model.size === 0) {
        next += 1 + (rand(10) === 0 ? rand(5) : 0); // some numbers are never tracked (ACK-only packets)
        const p = { pn: next };
        q.add(p);
        model.set(p.pn, p);
      } else {
        const keys = [...model.keys()];
        const victim = rand(4) === 0 ? keys[rand(keys.length)] : keys[0];
        expect(q.delete(victim)).toBe(model.delete(victim));
      }
      if (step % 997 === 0) expect(walk(q)).toEqual([...model.keys()]);
      expect(q.size).toBe(model.size);
      expect(q.oldest()?.pn).toBe(model.keys().next().value);
    }
    expect(walk(q)).toEqual([...model.keys()]);
  });
});
