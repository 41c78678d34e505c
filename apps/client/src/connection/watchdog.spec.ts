import { watchdogAction } from './watchdog';

const at = (pending: number, lastReceivedAgoMs: number) => watchdogAction({ pending, lastReceivedAgoMs, probeAfterMs: 5000, reconnectAfterMs: 15000 });

test('idle sessions are left to keepalives; busy ones probe after 5 s and reconnect after 15 s of silence', () => {
  expect(at(0, 60_000)).toBe('none');
  expect(at(1, 4_999)).toBe('none');
  expect(at(1, 5_000)).toBe('probe');
  expect(at(3, 14_999)).toBe('probe');
  expect(at(1, 15_000)).toBe('reconnect');
});
