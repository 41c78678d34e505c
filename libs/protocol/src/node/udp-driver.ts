/**
 * The thin node:dgram adapter: it owns one UDP socket and one timer and drives a pure endpoint state
 * machine (ResponderEndpoint or InitiatorEndpoint) with real time. Everything protocol-related lives
 * in the state machines; this file only moves bytes and schedules wake-ups.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Address, Datagram } from '../secure/session';

export interface DrivenMachine {
  receive(data: Buffer, from: Address, now: number): void;
  flush(now: number): Datagram[];
  nextTimeout(): number | undefined;
  onTimeout(now: number): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * node:dgram resolves the address of every unconnected send through dns.lookup, which even for an IP
 * literal answers on the next tick (a closure and a nextTick per datagram). Our addresses are almost
 * always literals, so answer those synchronously, exactly as dns.lookup would (the literal, its own
 * family); a host name still goes to dns.lookup.
 */
export function literalLookup(hostname: string, family: number | dns.LookupOneOptions, callback: LookupCallback): void {
  const literalFamily = isIP(hostname);
  if (literalFamily !== 0) {
    callback(null, hostname, literalFamily);
    return;
  }
  const options: dns.LookupOneOptions = typeof family === 'number' ? { family } : family;
  dns.lookup(hostname, options, callback);
}

export interface UdpDriverOptions {
  host: string;
  port: number;
  /** Socket buffers: large enough that a burst within the congestion window is not dropped locally. */
  bufferBytes?: number;
  /** Called after every batch of input so the owner can drain the machine's events. */
  onActivity?: () => void;
  /**
   * Connects the socket to this one peer. The kernel then drops datagrams from anyone else and turns
   * an ICMP "port unreachable" into an ECONNREFUSED socket error (onSocketError), so the owner learns
   * at once that nothing listens there any more instead of after its liveness timeout. Only for a peer
   * that answers from the very address dialled (the local link on loopback): see `sendErrors` for why
   * clients of the public relay never connect.
   */
  peer?: Address;
  /** Errors the socket reports (ECONNREFUSED on a connected socket); they are counted either way. */
  onSocketError?: (error: NodeJS.ErrnoException) => void;
}

/** Monotonic milliseconds: the state machines must never see time go backwards (NTP steps). */
export const monotonicNow = (): number => performance.now();

export class UdpDriver {
  readonly socket: dgram.Socket;
  private machine: DrivenMachine | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private flushQueued = false;
  private flushSoonQueued = false;
  private closed = false;
  /**
   * Send errors seen. Only the last datagram of each batch carries a completion callback (node 20
   * schedules a completion per send that has one, and silently drops the errors of sends without
   * one), so a persistent error (unreachable network, wrong address family) is counted once per
   * batch.
   *
   * The socket is never connect()ed, even by a client with one peer: a relay bound to 0.0.0.0 on a
   * host with several addresses may answer from another address than the one the client dialled,
   * and a connected socket would silently drop those answers.
   */
  sendErrors = 0;
  private readonly onSendDone = (err: Error | null): void => {
    if (err) this.sendErrors++;
  };

  private constructor(
    socket: dgram.Socket,
    private readonly onActivity: (() => void) | undefined,
    /** Set when the socket is connected: sends carry no address then. */
    private readonly peer: Address | undefined,
  ) {
    this.socket = socket;
  }

  /** Binds the socket; resolves once it is listening (rejects with the bind error, e.g. EADDRINUSE). */
  static async bind(o: UdpDriverOptions): Promise<UdpDriver> {
    const type = o.host.includes(':') ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, reuseAddr: false, ipv6Only: false, lookup: literalLookup });
    const driver = new UdpDriver(socket, o.onActivity, o.peer);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(o.port, o.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const peer = o.peer;
    if (peer) {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(peer.port, peer.address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    }
    const size = o.bufferBytes ?? 4 * 1024 * 1024;
    try {
      socket.setRecvBufferSize(size);
      socket.setSendBufferSize(size);
    } catch {
      // Some systems cap buffer sizes; the defaults still work, only with more local drops.
    }
    // ICMP errors (port unreachable) surface as socket errors; they are not fatal for UDP.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      driver.sendErrors++;
      o.onSocketError?.(error);
    });
    socket.on('message', (data, rinfo) => driver.onMessage(data, { address: rinfo.address, port: rinfo.port }));
    return driver;
  }

  get address(): Address {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** Installs (or replaces) the state machine this socket feeds. */
  attach(machine: DrivenMachine): void {
    this.machine = machine;
    this.kick();
  }

  private onMessage(data: Buffer, from: Address): void {
    if (!this.machine || this.closed) return;
    try {
      this.machine.receive(data, from, monotonicNow());
    } catch {
      // A state machine must never throw on network input; if one does, drop the datagram, keep running.
      return;
    }
    this.kick();
  }

  /**
   * Schedules one flush for the end of this turn of the event loop, so a burst of incoming datagrams
   * is answered with one batch of ACKs rather than one flush per datagram.
   */
  kick(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    const m = this.machine;
    if (!m || this.closed) return;
    const now = monotonicNow();
    const due = m.nextTimeout();
    if (due !== undefined && due <= now) m.onTimeout(now);
    this.onActivity?.();
    this.sendAll(m.flush(now));
    this.onActivity?.();
    this.schedule();
  }

  private sendAll(out: Datagram[]): void {
    const last = out.length - 1;
    for (let i = 0; i <= last; i++) this.send(out[i], i === last);
  }

  private send(d: Datagram, withCallback: boolean): void {
    const done = withCallback ? this.onSendDone : undefined;
    if (!this.peer) this.socket.send(d.data, d.to.port, d.to.address, done);
    // A connected socket can only reach its peer (the machine never addresses anyone else on it).
    else if (d.to.port === this.peer.port && d.to.address === this.peer.address) this.socket.send(d.data, done);
  }

  /**
   * Sends what the machine has queued right now, without waiting for the end of this turn of the
   * event loop. For an owner that moves messages between two drivers (the relay): what it just queued
   * on one should not wait behind the other's ACKs and a loop turn. Emits no events (no onActivity),
   * so calling it from another driver's onActivity cannot recurse.
   */
  flushNow(): void {
    const m = this.machine;
    if (!m || this.closed) return;
    this.sendAll(m.flush(monotonicNow()));
    this.schedule();
  }

  /**
   * For what the owner sends from its own code (a key press, a provider's stream, a file read) rather
   * than from onActivity: flushes once the current synchronous run and the microtasks queued so far
   * have finished, instead of a loop turn later as kick() would. Several sends in one run still share
   * datagrams. Received datagrams keep using kick(), so a burst of them is answered with one batch of ACKs.
   */
  flushSoon(): void {
    if (this.flushSoonQueued || this.closed) return;
    this.flushSoonQueued = true;
    queueMicrotask(() => {
      this.flushSoonQueued = false;
      this.flushNow();
    });
  }

  private schedule(): void {
    const m = this.machine;
    if (!m || this.closed) return;
    const at = m.nextTimeout();
    if (at === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    if (this.timer && at >= this.timerAt - 0.5 && at <= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, at - monotonicNow()),
    );
    this.timer.unref?.();
  }

  /** Sends raw bytes (tests and attack simulations only). */
  sendRaw(data: Buffer, to: Address): void {
    this.send({ to, data }, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // One last flush so a queued CLOSE frame reaches the peer.
    if (this.machine) this.sendAll(this.machine.flush(monotonicNow()));
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
