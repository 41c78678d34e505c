import { ReplayWindow } from './replay-window';

describe('ReplayWindow', () => {
  test('the window is at least 2048 counters', () => {
    expect(ReplayWindow.WINDOW_SIZE).toBeGreaterThanOrEqual(2048);
    expect(ReplayWindow.WINDOW_SIZE).toBe(4032);
  });

  test('in-order counters are accepted once; duplicates are rejected', () => {
    const window = new ReplayWindow();
    for (let counter = 0n; counter < 200n; counter++) expect(window.checkAndAccept(counter)).toBe(true);
    for (let counter = 0n; counter < 200n; counter++) {
      expect(window.isPossiblyValid(counter)).toBe(false);
      expect(window.checkAndAccept(counter)).toBe(false);
    }
  });

  test('reordering within the window is accepted', () => {
    const window = new ReplayWindow();
    expect(window.checkAndAccept(3000n)).toBe(true);
    expect(window.isPossiblyValid(10n)).toBe(true);
    expect(window.checkAndAccept(10n)).toBe(true);
    expect(window.checkAndAccept(2999n)).toBe(true);
    expect(window.checkAndAccept(1500n)).toBe(true);
    expect(window.checkAndAccept(1500n)).toBe(false);
    expect(window.checkAndAccept(10n)).toBe(false);
  });

  test('counters just inside and just outside the window edge', () => {
    const window = new ReplayWindow();
    const newest = 10_000n;
    window.checkAndAccept(newest);
    const oldestAllowed = newest - BigInt(ReplayWindow.WINDOW_SIZE);
    expect(window.checkAndAccept(oldestAllowed)).toBe(true);
    expect(window.isPossiblyValid(oldestAllowed - 1n)).toBe(false);
    expect(window.checkAndAccept(oldestAllowed - 1n)).toBe(false);
  });

  test('isPossiblyValid does not change state', () => {
    const window = new ReplayWindow();
    expect(window.isPossiblyValid(5n)).toBe(true);
    expect(window.isPossiblyValid(5n)).toBe(true);
    expect(window.checkAndAccept(5n)).toBe(true);
    expect(window.isPossiblyValid(5n)).toBe(false);
  });

  test('a large jump clears stale bits so old positions in the ring do not look like replays', () => {
    const window = new ReplayWindow();
    for (let counter = 0n; counter < 4096n; counter++) window.checkAndAccept(counter);
    const jump = 1n << 40n;
    expect(window.checkAndAccept(jump)).toBe(true);
    // Same ring slots as 1..4095 but 2^40 later: all fresh.
    for (let offset = 1n; offset <= 4000n; offset += 37n) expect(window.checkAndAccept(jump - offset)).toBe(true);
    expect(window.checkAndAccept(5n)).toBe(false); // far behind now
    expect(window.checkAndAccept(jump)).toBe(false);
  });

  test('a jump of exactly one ring word clears only what it must', () => {
    const window = new ReplayWindow();
    window.checkAndAccept(100n);
    window.checkAndAccept(164n); // one word later
    expect(window.checkAndAccept(100n)).toBe(false);
    expect(window.checkAndAccept(101n)).toBe(true);
  });

  test('out-of-range counters are rejected', () => {
    const window = new ReplayWindow(1000n);
    expect(window.checkAndAccept(-1n)).toBe(false);
    expect(window.checkAndAccept(1000n)).toBe(false);
    expect(window.isPossiblyValid(1000n)).toBe(false);
    expect(window.checkAndAccept(999n)).toBe(true);
    expect(new ReplayWindow().checkAndAccept(1n << 64n)).toBe(false);
    expect(new ReplayWindow().checkAndAccept((1n << 64n) - 1n)).toBe(true);
  });

  test('reset forgets accepted counters', () => {
    const window = new ReplayWindow();
    window.checkAndAccept(7n);
    window.reset();
    expect(window.checkAndAccept(7n)).toBe(true);
  });
});
