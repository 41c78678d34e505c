import { randomBytes, createHash } from 'node:crypto';
import { prng } from '../testing/virtual-net';
import { ReliableConnection } from './connection';

interface LinkOpts {
  loss: number;
  delayMs: number;
  jitterMs: number;
  duplicate: number;
  seed: number;
}

/**
 * Two connections joined by a simulated link driven by a virtual clock: no sockets, no sleeping.
 * Jitter reorders packets; loss and duplication apply per direction.
 */
function simulate(a: ReliableConnection, b: ReliableConnection, opts: LinkOpts, until: (now: number) => boolean, maxMs = 600_000, start = 0) {
  const rand = prng(opts.seed);
  let now = start;
  const inFlight: { at: number; to: ReliableConnection; pn: number; payload: Buffer }[] = [];
  const transmit = (from: ReliableConnection, to: ReliableConnection) => {
    for (let i = 0; i < 10_000; i++) {
      const p = from.buildPacket(now);
      if (!p) break;
      const copies = rand() < opts.duplicate ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        if (rand() < opts.loss) continue;
        inFlight.push({ at: now + opts.delayMs + rand() * opts.jitterMs, to, pn: p.pn, payload: p.payload });
      }
    }
  };
  const seen = new Map<ReliableConnection, Set<number>>([
    [a, new Set()],
    [b, new Set()],
  ]);
  while (!until(now) && now < start + maxMs) {
    transmit(a, b);
    transmit(b, a);
    inFlight.sort((x, y) => x.at - y.at);
    const timers = [a.nextTimeout(), b.nextTimeout(), inFlight[0]?.at].filter((t): t is number => t !== undefined);
    if (timers.length === 0) break;
    now = Math.max(now, Math.min(...timers));
    while (inFlight.length && inFlight[0].at <= now) {
      const d = inFlight.shift()!;
      // The secure layer's replay window drops duplicates before the connection sees them.
      const s = seen.get(d.to)!;
      if (s.has(d.pn)) continue;
      s.add(d.pn);
      d.to.receivePacket(d.pn, d.payload, now);
    }
    for (const c of [a, b]) {
      const t = c.nextTimeout();
      if (t !== undefined && t <= now) c.onTimeout(now);
    }
  }
  return now;
}

function collect(c: ReliableConnection, out: { streamId: number; data: Buffer }[]) {
  for (const e of c.drainEvents()) if (e.kind === 'message') out.push({ streamId: e.streamId, data: e.data });
}

describe('ReliableConnection', () => {
  test('delivers 1,000 messages in order, exactly once, at 20% loss with reordering and duplication', () => {
    const a = new ReliableConnection();
    const b = new ReliableConnection();
    const sent: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const m = randomBytes(1 + (i * 7919) % 3000);
      sent.push(m);
      a.send(1, m);
    }
    const got: { streamId: number; data: Buffer }[] = [];
    simulate(a, b, { loss: 0.2, delayMs: 5, jitterMs: 5, duplicate: 0.05, seed: 42 }, () => {
      collect(b, got);
      return got.length >= 1000;
    });
    expect(got.length).toBe(1000);
    got.forEach((g, i) => expect(g.data.equals(sent[i])).toBe(true));
    expect(a.stats.packetsLost).toBeGreaterThan(0);
  });

  test('moves 8 MiB byte-identical over a lossy link and bounds memory by acknowledging', () => {
    const a = new ReliableConnection();
    const b = new ReliableConnection();
    const blob = randomBytes(8 * 1024 * 1024);
    for (let o = 0; o < blob.length; o += 256 * 1024) a.send(2, blob.subarray(o, o + 256 * 1024));
    const got: { streamId: number; data: Buffer }[] = [];
    const t = simulate(a, b, { loss: 0.2, delayMs: 1, jitterMs: 2, duplicate: 0.02, seed: 7 }, () => {
      collect(b, got);
      return got.length >= 32;
    });
    const joined = Buffer.concat(got.map((g) => g.data));
    expect(createHash('sha256').update(joined).digest('hex')).toBe(createHash('sha256').update(blob).digest('hex'));
    // Let the last ACKs arrive, then everything is freed on the sender.
    simulate(a, b, { loss: 0, delayMs: 1, jitterMs: 0, duplicate: 0, seed: 1 }, () => a.buffered(2) === 0, 10_000, t);
    expect(a.buffered(2)).toBe(0);
  });

  test('chat is not delayed behind a large file on another stream', () => {
    const a = new ReliableConnection();
    const b = new ReliableConnection();
    a.send(2, randomBytes(4 * 1024 * 1024));
    a.send(1, Buffer.from('hello'));
    const got: { streamId: number; data: Buffer }[] = [];
    simulate(a, b, { loss: 0, delayMs: 1, jitterMs: 0, duplicate: 0, seed: 3 }, () => {
      collect(b, got);
      return got.length >= 2;
    });
    expect(got[0].streamId).toBe(1);
    expect(got[0].data.toString()).toBe('hello');
  });

  test('flow control: a receiver that does not release stops the sender at its window', () => {
    const b = new ReliableConnection({ autoRelease: false, streamWindow: 64 * 1024, connectionWindow: 256 * 1024 });
    // Windows are protocol constants known to both sides, so the sender is configured with the same ones.
    const a2 = new ReliableConnection({ streamWindow: 64 * 1024, connectionWindow: 256 * 1024 });
    for (let i = 0; i < 40; i++) a2.send(2, randomBytes(16 * 1024));
    const got: { streamId: number; data: Buffer }[] = [];
    const t = simulate(a2, b, { loss: 0, delayMs: 1, jitterMs: 0, duplicate: 0, seed: 5 }, (now) => {
      collect(b, got);
      return now > 2000;
    });
    // 64 KiB window holds 3 whole 16 KiB messages (+ prefixes); nothing more arrives until released.
    expect(got.length).toBe(3);
    for (const g of got) b.release(2, g.data.length);
    simulate(
      a2,
      b,
      { loss: 0, delayMs: 1, jitterMs: 0, duplicate: 0, seed: 6 },
      () => {
        collect(b, got);
        return false;
      },
      10_000,
      t,
    );
    // The update goes out once half the window is free (after the 2nd release), so the new limit is
    // 2 × 16,388 + 65,536 = 98,312 bytes: five whole messages, and the sixth waits for more credit.
    expect(got.length).toBe(5);
  });

  test('a malformed payload from the peer closes the connection with a protocol violation', () => {
    const a = new ReliableConnection();
    a.receivePacket(0, Buffer.from([0xff, 0x00]), 0);
    const p = a.buildPacket(0);
    expect(p).not.toBeNull();
    const events = a.drainEvents();
    expect(events.some((e) => e.kind === 'closed' && e.code === 2)).toBe(true);
  });
});
