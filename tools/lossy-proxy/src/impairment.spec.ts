import { Impairment } from './impairment';
import { createRandom, deriveSeed } from './prng';

const packet = (n: number): Buffer => Buffer.from(String(n));
const numbers = (datagrams: Buffer[]): number[] => datagrams.map((d) => Number(d.toString()));

function run(impairment: Impairment, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) out.push(...numbers(impairment.push(packet(i))));
  out.push(...numbers(impairment.flushHeld()));
  return out;
}

describe('prng', () => {
  it('is deterministic per seed, in [0,1), and roughly uniform', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const values = Array.from({ length: 10_000 }, () => a());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(createRandom(43)()).not.toBe(createRandom(42)());
    expect(deriveSeed(1, 0)).not.toBe(deriveSeed(1, 1));
  });
});

describe('Impairment', () => {
  const none = { loss: 0, duplicate: 0, reorder: 0 };

  it('passes everything through in order when unimpaired', () => {
    expect(run(new Impairment(createRandom(1), none), 100)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('drops close to the loss rate (within 5 standard deviations)', () => {
    const n = 100_000;
    const impairment = new Impairment(createRandom(7), { ...none, loss: 0.2 });
    const delivered = run(impairment, n);
    const sd = Math.sqrt(n * 0.2 * 0.8);
    expect(Math.abs(impairment.stats.dropped - n * 0.2)).toBeLessThan(5 * sd);
    expect(delivered.length).toBe(n - impairment.stats.dropped);
    expect(delivered).toEqual([...delivered].sort((x, y) => x - y)); // loss alone never reorders
  });

  it('gives the same loss pattern for the same seed, whatever the other settings', () => {
    const a = run(new Impairment(createRandom(9), { ...none, loss: 0.3 }), 1000);
    const b = run(new Impairment(createRandom(9), { loss: 0.3, duplicate: 0.5, reorder: 0 }), 1000);
    expect([...new Set(b)]).toEqual(a);
    const c = run(new Impairment(createRandom(10), { ...none, loss: 0.3 }), 1000);
    expect(c).not.toEqual(a);
  });

  it('duplicates close to the duplicate rate', () => {
    const n = 20_000;
    const impairment = new Impairment(createRandom(3), { ...none, duplicate: 0.1 });
    const delivered = run(impairment, n);
    expect(delivered.length).toBe(n + impairment.stats.duplicated);
    expect(Math.abs(impairment.stats.duplicated - n * 0.1)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
    expect(impairment.stats.forwarded).toBe(delivered.length);
  });

  it('holds a packet back until the next one passes it', () => {
    const impairment = new Impairment(createRandom(5), { ...none, reorder: 0.25 });
    const delivered = run(impairment, 1000);
    expect([...delivered].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i)); // nothing lost
    const inversions = delivered.filter((value, i) => i > 0 && value < delivered[i - 1]).length;
    expect(inversions).toBeGreaterThan(100);
    expect(impairment.stats.reordered).toBeGreaterThan(150);
  });

  it('releases held packets on flushHeld when nothing follows', () => {
    let draws = 0;
    // Draw order per packet: loss, duplicate, reorder. Make the first packet's reorder draw hit.
    const random = () => (draws++ === 2 ? 0 : 0.99);
    const impairment = new Impairment(random, { ...none, reorder: 0.5 });
    expect(impairment.push(packet(1))).toEqual([]);
    expect(impairment.holding).toBe(true);
    expect(numbers(impairment.flushHeld())).toEqual([1]);
    expect(impairment.holding).toBe(false);
    expect(numbers(impairment.push(packet(2)))).toEqual([2]);
  });

  it('validates probabilities and can change loss on the fly', () => {
    expect(() => new Impairment(createRandom(1), { ...none, loss: 1.5 })).toThrow(RangeError);
    const impairment = new Impairment(createRandom(1), none);
    impairment.update({ loss: 1 });
    expect(run(impairment, 10)).toEqual([]);
    expect(() => impairment.update({ loss: -0.1 })).toThrow(/probability/);
  });
});
