/**
 * A deterministic in-memory network for driving endpoints without sockets or sleeping: every datagram
 * gets a delivery time from a seeded PRNG (loss, delay, jitter, duplication), and `run` advances a
 * virtual clock from event to event. Test-only; not exported from the library.
 */
import type { Address, Datagram } from '../secure/session';

export interface Machine {
  receive(data: Buffer, from: Address, now: number): void;
  flush(now: number): Datagram[];
  nextTimeout(): number | undefined;
  onTimeout(now: number): void;
}

export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export interface LinkProfile {
  loss: number;
  delayMs: number;
  jitterMs: number;
  duplicate: number;
}

const key = (a: Address) => `${a.address}:${a.port}`;

export class VirtualNet {
  now = 0;
  private readonly nodes = new Map<string, Machine>();
  private queue: { at: number; to: Address; from: Address; data: Buffer }[] = [];
  private readonly rand: () => number;
  /** Rewrites the source address of datagrams leaving a node (a NAT); used to simulate rebinding. */
  readonly nat = new Map<string, Address>();
  delivered = 0;
  /** Optional tap: every datagram that reaches `to` (for attack tests). */
  tap: ((d: { to: Address; from: Address; data: Buffer }) => void) | undefined;

  constructor(
    public profile: LinkProfile,
    seed = 1,
  ) {
    this.rand = prng(seed);
  }

  attach(address: Address, machine: Machine): void {
    this.nodes.set(key(address), machine);
  }

  /** Puts a datagram on the wire as if `from` had sent it (attackers use this directly). */
  inject(from: Address, to: Address, data: Buffer): void {
    this.queue.push({ at: this.now, to, from, data });
  }

  private send(from: Address, d: Datagram): void {
    const source = this.nat.get(key(from)) ?? from;
    const copies = this.rand() < this.profile.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.rand() < this.profile.loss) continue;
      this.queue.push({ at: this.now + this.profile.delayMs + this.rand() * this.profile.jitterMs, to: d.to, from: source, data: d.data });
    }
  }

  /** Advances until `done()` or `maxMs` of virtual time; returns whether done() became true. */
  run(done: () => boolean, maxMs = 600_000): boolean {
    const end = this.now + maxMs;
    let stuckAt = -1;
    let stuckCount = 0;
    for (let guard = 0; guard < 50_000_000; guard++) {
      if (this.now === stuckAt) {
        if (++stuckCount > 100_000) {
          const due = [...this.nodes].map(([a, m]) => `${a}: ${m.nextTimeout()}`).join(', ');
          throw new Error(`virtual network stuck at ${this.now} ms (timers: ${due}, queued: ${this.queue.length})`);
        }
      } else {
        stuckAt = this.now;
        stuckCount = 0;
      }
      for (const [addr, m] of this.nodes) {
        const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), Number(addr.slice(addr.lastIndexOf(':') + 1))];
        for (const d of m.flush(this.now)) this.send({ address: host, port }, d);
      }
      if (done()) return true;
      this.queue.sort((a, b) => a.at - b.at);
      let next = this.queue[0]?.at;
      for (const m of this.nodes.values()) {
        const t = m.nextTimeout();
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      if (next === undefined || next > end) return done();
      this.now = Math.max(this.now, next);
      while (this.queue.length && this.queue[0].at <= this.now) {
        const d = this.queue.shift() as (typeof this.queue)[number];
        // Reverse NAT: replies addressed to a NAT's public address reach the node behind it.
        let target = this.nodes.get(key(d.to));
        if (!target) {
          for (const [inside, outside] of this.nat) if (key(outside) === key(d.to)) target = this.nodes.get(inside);
        }
        if (!target) continue;
        this.tap?.(d);
        this.delivered++;
        target.receive(d.data, d.from, this.now);
      }
      for (const m of this.nodes.values()) {
        const t = m.nextTimeout();
        if (t !== undefined && t <= this.now) m.onTimeout(this.now);
      }
    }
    throw new Error('virtual network did not settle');
  }
}
