import { MAX_DATAGRAM_SIZE } from './constants';
import { NewReno } from './congestion';

const PACKET = MAX_DATAGRAM_SIZE;

/** One round: send `packets` full datagrams, then one ACK frame acknowledges them all. */
function round(cc: NewReno, packets: number, now: number): void {
  for (let i = 0; i < packets; i++) cc.onSent(PACKET);
  const used = cc.windowUsed;
  for (let i = 0; i < packets; i++) cc.onAcked(PACKET, now, used);
}

describe('NewReno', () => {
  test('a sender that fills its window doubles it every round in slow start', () => {
    const cc = new NewReno();
    const start = cc.window;
    round(cc, start / PACKET, 1);
    expect(cc.window).toBe(2 * start);
    round(cc, cc.window / PACKET, 2);
    expect(cc.window).toBe(4 * start);
  });

  test('a sender that keeps only a few packets in flight does not grow its window without bound (RFC 9002 §7.8)', () => {
    const cc = new NewReno();
    for (let r = 0; r < 1_000; r++) round(cc, 8, r);
    // 8 packets in flight at most: the window stops growing past twice that (plus the last round's
    // growth), instead of reaching hundreds of packets.
    expect(cc.window).toBeLessThanOrEqual(3 * 8 * PACKET);
    expect(cc.window).toBeGreaterThanOrEqual(8 * PACKET);
  });

  test('once the sender has data again the window grows from where it stopped', () => {
    const cc = new NewReno();
    for (let r = 0; r < 100; r++) round(cc, 4, r);
    const capped = cc.window;
    round(cc, cc.window / PACKET, 200);
    expect(cc.window).toBeGreaterThan(capped);
  });

  test('a loss halves the window and packets sent before it do not grow it again', () => {
    const cc = new NewReno();
    round(cc, cc.window / PACKET, 1);
    const before = cc.window;
    for (let i = 0; i < before / PACKET; i++) cc.onSent(PACKET);
    cc.onLoss(5, 10);
    expect(cc.window).toBe(before / 2);
    cc.onAcked(PACKET, 5);
    expect(cc.window).toBe(before / 2);
  });
});
