import { watchdogAction } from './watchdog';

const at = (lastReceivedAgoMs: number, lastSentAgoMs: number) => watchdogAction({ lastReceivedAgoMs, lastSentAgoMs, probeAfterMs: 5000, reconnectAfterMs: 15000 });

test('recent traffic: nothing to do', () => {
  expect(at(0, 0)).toBe('none');
  expect(at(4_999, 1_000)).toBe('none');
});

test('5 s of silence, busy or idle: probe the relay so a live one answers', () => {
  expect(at(5_000, 60_000)).toBe('probe'); // idle: the last send is older than the last receive
  expect(at(14_999, 1_000)).toBe('probe');
});

test('sent something and heard nothing for 15 s: reconnect, even with nothing in flight', () => {
  expect(at(15_000, 1_000)).toBe('reconnect');
  expect(at(120_000, 119_000)).toBe('reconnect');
});

test('long silence without anything sent since (e.g. after a suspend) probes first instead of reconnecting', () => {
  expect(at(60_000, 60_001)).toBe('probe');
  expect(at(60_000, 60_000)).toBe('probe');
});
