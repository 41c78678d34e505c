import * as dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { LossyProxy, type LossyProxyOptions } from './lossy-proxy';

interface Received {
  seq: number;
  from: dgram.RemoteInfo;
}

/** A UDP socket on 127.0.0.1 that records what it receives. */
class Peer {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg, from) => {
      this.received.push({ seq: msg.readUInt32BE(0), from });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(): Promise<Peer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new Peer(socket);
  }

  get port(): number {
    return (this.socket.address() as AddressInfo).port;
  }

  send(seq: number, to: { host: string; port: number }): Promise<void> {
    const datagram = Buffer.alloc(32);
    datagram.writeUInt32BE(seq, 0);
    return new Promise((resolve, reject) => this.socket.send(datagram, to.port, to.host, (e) => (e ? reject(e) : resolve())));
  }

  /** Resolves once `predicate` holds, re-checking on every arrival; the timeout is only a safety net. */
  until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = (): void => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Resolves when `predicate` holds, checking after each event-loop turn (for proxy counters). */
async function eventually(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LossyProxy over real UDP on 127.0.0.1', () => {
  let server: Peer;
  let client: Peer;
  let proxy: LossyProxy | undefined;

  beforeEach(async () => {
    server = await Peer.open();
    client = await Peer.open();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await Promise.all([server.close(), client.close()]);
  });

  const start = async (opts: Omit<LossyProxyOptions, 'target'> = {}): Promise<LossyProxy> => {
    proxy = await LossyProxy.start({ target: { host: '127.0.0.1', port: server.port }, seed: 1234, ...opts });
    return proxy;
  };

  /** Sends seq 0..count-1 client→server in small batches so no kernel buffer overflows. */
  async function sendUp(p: LossyProxy, count: number): Promise<void> {
    for (let seq = 0; seq < count; seq += 1) {
      await client.send(seq, p.address);
      if (seq % 50 === 49) await eventually(() => p.stats.up.received === seq + 1, 'the proxy to read the batch');
    }
    await eventually(() => p.stats.up.received === count, 'the proxy to read everything');
  }

  it('forwards both ways, in order, and echoes reach the client', async () => {
    const p = await start();
    expect(p.address.host).toBe('127.0.0.1');
    server.socket.on('message', (msg, from) => server.socket.send(msg, from.port, from.address));
    await sendUp(p, 200);
    await client.until(() => client.received.length === 200, '200 echoes');
    expect(server.received.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(client.received.map((r) => r.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(client.received.every((r) => r.from.port === p.address.port)).toBe(true);
    expect(server.received.every((r) => r.from.port === p.upstreamPort)).toBe(true);
  });

  it('drops about the configured rate upstream and leaves downstream alone', async () => {
    const n = 2000;
    const p = await start({ lossUp: 0.2 });
    server.socket.on('message', (msg, from) => server.socket.send(msg, from.port, from.address));
    await sendUp(p, n);
    const forwarded = p.stats.up.forwarded;
    await server.until(() => server.received.length === forwarded, 'forwarded datagrams');
    const dropped = n - server.received.length;
    const sd = Math.sqrt(n * 0.2 * 0.8); // ≈ 18
    expect(Math.abs(dropped - n * 0.2)).toBeLessThan(5 * sd);
    await client.until(() => client.received.length === forwarded, 'every echo (no loss down)');
    expect(p.stats.down.dropped).toBe(0);

    p.setLoss(0, 1); // now everything dies on the way back
    await client.send(999_999, p.address);
    await server.until(() => server.received.some((r) => r.seq === 999_999), 'the probe');
    await eventually(() => p.stats.down.dropped === 1, 'the echo to be dropped');
    expect(client.received.some((r) => r.seq === 999_999)).toBe(false);
  });

  it('duplicates datagrams', async () => {
    const n = 500;
    const p = await start({ duplicate: 0.2 });
    await sendUp(p, n);
    const forwarded = p.stats.up.forwarded;
    await server.until(() => server.received.length === forwarded, 'every copy');
    const counts = new Map<number, number>();
    for (const r of server.received) counts.set(r.seq, (counts.get(r.seq) ?? 0) + 1);
    const twice = [...counts.values()].filter((c) => c === 2).length;
    expect(counts.size).toBe(n);
    expect(twice).toBe(p.stats.up.duplicated);
    expect(twice).toBeGreaterThan(50);
    expect(twice).toBeLessThan(150);
  });

  it('reorders datagrams without losing any', async () => {
    const n = 500;
    const p = await start({ reorder: 0.2 });
    await sendUp(p, n);
    await server.until(() => server.received.length === n, 'every datagram, held ones included');
    const seqs = server.received.map((r) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    const inversions = seqs.filter((s, i) => i > 0 && s < seqs[i - 1]).length;
    expect(inversions).toBeGreaterThan(30);
  });

  it('delays when asked', async () => {
    const p = await start({ delayMs: 40 });
    server.socket.on('message', (msg, from) => server.socket.send(msg, from.port, from.address));
    const sentAt = performance.now();
    await client.send(1, p.address);
    await client.until(() => client.received.length === 1, 'the echo');
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(79); // 40 ms each way (timer granularity ~1 ms)
  });

  it('rebind gives the server a new source port and replies still reach the client', async () => {
    const p = await start();
    server.socket.on('message', (msg, from) => server.socket.send(msg, from.port, from.address));
    await client.send(1, p.address);
    await client.until(() => client.received.length === 1, 'first echo');
    const before = server.received[0].from.port;

    await p.rebind();
    expect(p.upstreamPort).not.toBe(before);
    await client.send(2, p.address);
    await client.until(() => client.received.length === 2, 'echo after rebind');
    const after = server.received[1].from.port;
    expect(after).not.toBe(before);
    expect(after).toBe(p.upstreamPort);
    expect(client.received.map((r) => r.seq)).toEqual([1, 2]);
    expect(client.received[1].from.port).toBe(p.address.port); // the client's mapping stayed
    expect(p.stats.rebinds).toBe(1);

    // The old mapping is gone: a reply sent to the old port no longer reaches the client.
    const probe = Buffer.alloc(32);
    probe.writeUInt32BE(3, 0);
    server.socket.send(probe, before, '127.0.0.1');
    server.socket.send(probe.fill(0).fill(4, 3, 4), after, '127.0.0.1'); // seq 4 via the new port
    await client.until(() => client.received.length === 3, 'reply via the new port');
    expect(client.received.map((r) => r.seq)).toEqual([1, 2, 4]);
  });

  it('closes cleanly with datagrams still delayed', async () => {
    const p = await start({ delayMs: 60_000 });
    await client.send(1, p.address);
    await eventually(() => p.stats.up.received === 1, 'the proxy to read it');
    await p.close();
    await p.close(); // idempotent
    await expect(p.rebind()).rejects.toThrow(/closed/);
    proxy = undefined;
  });
});
