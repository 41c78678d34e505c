import { DeltaBatcher } from './delta-batcher';

/** A manual clock and timer queue: the test decides when time passes. */
function harness(windowMs = 16) {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const sent: string[] = [];
  const batcher = new DeltaBatcher((text) => sent.push(text), {
    windowMs,
    now: () => now,
    schedule: (fn, ms) => {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers) if (t.live && t.at <= now) {
      t.live = false;
      t.fn();
    }
  };
  return { batcher, sent, advance, liveTimers: () => timers.filter((t) => t.live).length };
}

test('the first piece goes out at once; a burst behind it becomes one delta when the window ends', () => {
  const h = harness();
  h.batcher.push('Hello');
  expect(h.sent).toEqual(['Hello']);
  h.advance(1);
  h.batcher.push(' there,');
  h.batcher.push(' how');
  h.batcher.push(' are you?');
  expect(h.sent).toEqual(['Hello']);
  h.advance(14);
  expect(h.sent).toEqual(['Hello']);
  h.advance(1);
  expect(h.sent).toEqual(['Hello', ' there, how are you?']);
});

test('pieces slower than the window are each sent at once (a real model streaming tokens)', () => {
  const h = harness();
  for (const piece of ['a', 'b', 'c']) {
    h.batcher.push(piece);
    h.advance(20);
  }
  expect(h.sent).toEqual(['a', 'b', 'c']);
  expect(h.liveTimers()).toBe(0);
});

test('flush sends what waits at once and cancels the timer, so nothing follows the turn end', () => {
  const h = harness();
  h.batcher.push('one');
  h.batcher.push(' two');
  h.batcher.flush();
  expect(h.sent).toEqual(['one', ' two']);
  expect(h.liveTimers()).toBe(0);
  h.advance(100);
  expect(h.sent).toEqual(['one', ' two']);
  h.batcher.flush();
  expect(h.sent).toEqual(['one', ' two']);
});

test('text is never reordered or lost: the batches concatenate to the pieces', () => {
  const h = harness(5);
  const pieces = Array.from({ length: 200 }, (_, i) => `p${i} `);
  pieces.forEach((piece, i) => {
    h.batcher.push(piece);
    h.advance(i % 7);
  });
  h.batcher.flush();
  expect(h.sent.join('')).toBe(pieces.join(''));
  expect(h.sent.length).toBeLessThan(pieces.length);
});

test('empty pieces send nothing', () => {
  const h = harness();
  h.batcher.push('');
  expect(h.sent).toEqual([]);
});
