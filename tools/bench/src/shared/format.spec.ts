import { formatBytes, formatCount, formatMBps, formatPercent } from './format';

describe('report number formats', () => {
  it('formats rates, shares, counts and sizes with fixed precision', () => {
    expect(formatMBps(123_456_789)).toBe('123.5 MB/s');
    expect(formatPercent(0.4567)).toBe('45.7 %');
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(7_600)).toBe('7.4 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });
});
