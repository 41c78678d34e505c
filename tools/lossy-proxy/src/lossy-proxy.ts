// A UDP proxy for tests and benchmarks: drops, delays, reorders and duplicates datagrams at given
// rates, and can switch its upstream source port on command (a NAT rebinding). One client per proxy.
//
//   client ──► listen socket ──(up)──► upstream socket ──► target
//   client ◄── listen socket ◄─(down)─ upstream socket ◄── target
import * as dgram from 'node:dgram';
import { isIP, type AddressInfo } from 'node:net';
import { DEFAULT_REORDER_HOLD_MS, DEFAULT_SEED, SOCKET_BUFFER_BYTES } from './constants';
import { Impairment, type DirectionStats } from './impairment';
import { createRandom, deriveSeed, type Random } from './prng';

export interface Endpoint {
  host: string;
  port: number;
}

export interface LossyProxyOptions {
  target: Endpoint;
  listenHost?: string;
  listenPort?: number;
  /** drop probability in each direction (overridden per direction by lossUp / lossDown) */
  loss?: number;
  lossUp?: number;
  lossDown?: number;
  duplicate?: number;
  reorder?: number;
  /** how long a held-back datagram waits for a later one to overtake it */
  reorderHoldMs?: number;
  /** fixed one-way delay added to every datagram; 0 unless a test needs it */
  delayMs?: number;
  /** extra uniform random delay in [0, jitterMs); also reorders */
  jitterMs?: number;
  seed?: number;
}

export interface LossyProxyStats {
  up: DirectionStats;
  down: DirectionStats;
  rebinds: number;
  /** datagrams from the target that arrived before any client had sent anything */
  noClient: number;
  sendErrors: number;
}

type Direction = 'up' | 'down';

function socketTypeFor(host: string): dgram.SocketType {
  return isIP(host) === 6 ? 'udp6' : 'udp4';
}

function bindSocket(socket: dgram.Socket, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function enlargeBuffers(socket: dgram.Socket): void {
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
    socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  } catch {
    // the OS may cap it (net.core.rmem_max); smaller buffers still work
  }
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

export class LossyProxy {
  private upstream: dgram.Socket;
  private client: Endpoint | null = null;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly holdTimers: Record<Direction, NodeJS.Timeout | null> = { up: null, down: null };
  private readonly impairments: Record<Direction, Impairment>;
  private readonly delayRandom: Random;
  private rebinds = 0;
  private noClient = 0;
  private sendErrors = 0;

  private constructor(
    private readonly listener: dgram.Socket,
    upstream: dgram.Socket,
    private readonly opts: LossyProxyOptions,
  ) {
    const seed = opts.seed ?? DEFAULT_SEED;
    const shared = { duplicate: opts.duplicate ?? 0, reorder: opts.reorder ?? 0 };
    this.impairments = {
      up: new Impairment(createRandom(deriveSeed(seed, 0)), { loss: opts.lossUp ?? opts.loss ?? 0, ...shared }),
      down: new Impairment(createRandom(deriveSeed(seed, 1)), { loss: opts.lossDown ?? opts.loss ?? 0, ...shared }),
    };
    this.delayRandom = createRandom(deriveSeed(seed, 2));
    this.upstream = upstream;
    listener.on('message', (datagram, from) => this.fromClient(datagram, from));
    listener.on('error', () => undefined); // a UDP error is never a reason for a test proxy to die
    this.attachUpstream(upstream);
  }

  static async start(opts: LossyProxyOptions): Promise<LossyProxy> {
    const listenHost = opts.listenHost ?? '127.0.0.1';
    const listener = dgram.createSocket(socketTypeFor(listenHost));
    await bindSocket(listener, opts.listenPort ?? 0, listenHost);
    enlargeBuffers(listener);
    let upstream: dgram.Socket;
    try {
      upstream = await LossyProxy.openUpstream(opts.target);
    } catch (error) {
      await closeSocket(listener);
      throw error;
    }
    return new LossyProxy(listener, upstream, opts);
  }

  private static async openUpstream(target: Endpoint): Promise<dgram.Socket> {
    const socket = dgram.createSocket(socketTypeFor(target.host));
    await bindSocket(socket, 0);
    enlargeBuffers(socket);
    return socket;
  }

  /** Where the client sends. */
  get address(): Endpoint {
    const info = this.listener.address() as AddressInfo;
    return { host: info.address, port: info.port };
  }

  /** The source port the target currently sees. */
  get upstreamPort(): number {
    return (this.upstream.address() as AddressInfo).port;
  }

  get stats(): LossyProxyStats {
    return {
      up: { ...this.impairments.up.stats },
      down: { ...this.impairments.down.stats },
      rebinds: this.rebinds,
      noClient: this.noClient,
      sendErrors: this.sendErrors,
    };
  }

  setLoss(up: number, down: number = up): void {
    this.impairments.up.update({ loss: up });
    this.impairments.down.update({ loss: down });
  }

  /**
   * Simulates a NAT rebinding: the target starts seeing a new source port. The new socket is bound
   * before the old one is closed, so the port is guaranteed to differ. The client keeps its mapping.
   */
  async rebind(): Promise<void> {
    if (this.closed) throw new Error('lossy proxy is closed');
    const next = await LossyProxy.openUpstream(this.opts.target);
    const previous = this.upstream;
    this.upstream = next;
    this.attachUpstream(next);
    this.rebinds += 1;
    await closeSocket(previous);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([closeSocket(this.listener), closeSocket(this.upstream)]);
  }

  private attachUpstream(socket: dgram.Socket): void {
    socket.on('message', (datagram, from) => {
      // Only the old socket's stragglers could come from elsewhere; anything not from the target is ignored.
      if (socket !== this.upstream || !this.isTarget(from)) return;
      if (this.client === null) {
        this.noClient += 1;
        return;
      }
      this.impair('down', datagram);
    });
    socket.on('error', () => undefined);
  }

  private isTarget(from: dgram.RemoteInfo): boolean {
    if (from.port !== this.opts.target.port) return false;
    // A hostname target (e.g. "localhost") cannot be compared by address; the port is enough here.
    return isIP(this.opts.target.host) === 0 || from.address === this.opts.target.host;
  }

  private fromClient(datagram: Buffer, from: dgram.RemoteInfo): void {
    // Follow the client if its own address changes (lets tests roam the client side too).
    this.client = { host: from.address, port: from.port };
    this.impair('up', datagram);
  }

  private impair(direction: Direction, datagram: Buffer): void {
    if (this.closed) return;
    const impairment = this.impairments[direction];
    this.deliver(direction, impairment.push(datagram));
    this.armHoldTimer(direction);
  }

  /** Held datagrams are released by the next datagram, or by this timer if none comes. */
  private armHoldTimer(direction: Direction): void {
    const impairment = this.impairments[direction];
    const existing = this.holdTimers[direction];
    if (!impairment.holding) {
      if (existing) this.clearTimer(existing);
      this.holdTimers[direction] = null;
      return;
    }
    if (existing) return; // keep the first deadline: a held packet must not wait forever
    const timer = this.later(this.opts.reorderHoldMs ?? DEFAULT_REORDER_HOLD_MS, () => {
      this.holdTimers[direction] = null;
      this.deliver(direction, impairment.flushHeld());
    });
    this.holdTimers[direction] = timer;
  }

  private deliver(direction: Direction, datagrams: Buffer[]): void {
    const fixed = this.opts.delayMs ?? 0;
    const jitter = this.opts.jitterMs ?? 0;
    for (const datagram of datagrams) {
      const delay = fixed + (jitter > 0 ? this.delayRandom() * jitter : 0);
      if (delay <= 0) this.send(direction, datagram);
      else this.later(delay, () => this.send(direction, datagram));
    }
  }

  private send(direction: Direction, datagram: Buffer): void {
    if (this.closed) return;
    const onSent = (error: Error | null): void => {
      if (error) this.sendErrors += 1;
    };
    if (direction === 'up') {
      this.upstream.send(datagram, this.opts.target.port, this.opts.target.host, onSent);
    } else if (this.client) {
      this.listener.send(datagram, this.client.port, this.client.host, onSent);
    }
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
