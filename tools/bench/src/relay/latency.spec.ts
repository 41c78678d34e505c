import { formatMs, percentile, summariseLatency } from './latency';

test('percentile is nearest-rank: always a measured value', () => {
  const v = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  expect(percentile(v, 50)).toBe(50);
  expect(percentile(v, 99)).toBe(99);
  expect(percentile(v, 100)).toBe(100);
  expect(percentile(v, 0)).toBe(1);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([1, 2, 3, 4, 1000], 99)).toBe(1000);
  expect(() => percentile([], 50)).toThrow(RangeError);
  expect(() => percentile([1], 101)).toThrow(RangeError);
});

test('summariseLatency and formatMs', () => {
  const s = summariseLatency([1, 2, 3, 4]);
  expect(s).toEqual({ count: 4, p50: 2, p99: 4, max: 4, mean: 2.5 });
  expect(formatMs(0.2175)).toBe('218 µs');
  expect(formatMs(2.174)).toBe('2.17 ms');
  expect(formatMs(21.04)).toBe('21.0 ms');
  expect(formatMs(2317.4)).toBe('2317 ms');
});
