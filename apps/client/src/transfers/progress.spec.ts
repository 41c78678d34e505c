import { SpeedMeter, etaSeconds, formatBytes, formatDuration } from './progress';

test('SpeedMeter averages over its window', () => {
  const meter = new SpeedMeter(1000);
  meter.sample(0, 0);
  meter.sample(500, 500);
  meter.sample(1000, 1000);
  expect(meter.bytesPerSecond()).toBeCloseTo(1000);
  meter.sample(2000, 5000); // faster now; the oldest samples fall out of the window
  expect(meter.bytesPerSecond()).toBeCloseTo(4000);
});

test('formats bytes, durations and ETA', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(50 * 1024 * 1024)).toBe('50 MiB');
  expect(formatDuration(65)).toBe('1:05');
  expect(formatDuration(3725)).toBe('1:02:05');
  expect(etaSeconds(250, 1000, 50)).toBe(15);
  expect(etaSeconds(0, undefined, 50)).toBeUndefined();
});
