import { median, ratePerSecond } from './stats';

describe('median', () => {
  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([9, 1, 5])).toBe(5);
  });
  it('averages the middle two of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('ratePerSecond', () => {
  it('scales a count over milliseconds to per second', () => {
    expect(ratePerSecond(500, 250)).toBe(2000);
  });
  it('is zero for an empty window', () => {
    expect(ratePerSecond(10, 0)).toBe(0);
  });
});
