/**
 * The relay's side of the local link: one secure session to the LLM server (Noise NNpsk0 keyed by the
 * local key) that carries every client's messages on its own streams. It pings the server every few
 * seconds; when the server stops answering, or its port answers "unreachable" (the process is gone),
 * the link is declared down at once (pending requests fail with LLM_UNREACHABLE instead of waiting)
 * and it keeps trying to come back.
 */
import { EventEmitter } from 'node:events';
import {
  CredentialKind,
  InitiatorEndpoint,
  LOCAL_PATTERN,
  encodeMessage,
  newMessageId,
  splitLocalStreamId,
  type SecureSession,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import type { Logger } from '../log';

/** Ping the LLM server this often while the link is up. */
const PING_EVERY_MS = 2_000;
/** No authenticated packet for this long (several pings) means the server is gone. */
const DEAD_AFTER_MS = 6_000;
/**
 * Handshake attempts: a short timeout each, then a pause that grows to this. Small: the LLM server is
 * on this host, a try costs one DH, and every second of pause is a second a restarted server (an update)
 * waits before the relay notices it is back.
 */
const HANDSHAKE_ATTEMPT_MS = 3_000;
const RETRY_MAX_MS = 1_000;

export interface LinkMessage {
  sessionId: number;
  streamClass: number;
  streamId: number;
  data: Buffer;
}

export interface LlmLinkEvents {
  up: [];
  down: [reason: string];
  message: [LinkMessage];
  /** After the messages of one batch of datagrams were emitted: a chance to send their forwards at once. */
  batchEnd: [];
}

export class LlmLink extends EventEmitter<LlmLinkEvents> {
  private driver: UdpDriver | undefined;
  private endpoint: InitiatorEndpoint | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = 500;
  private stopped = false;
  up = false;
  lastUpAt = 0;

  constructor(
    private readonly o: { host: string; port: number; key: Buffer; log: Logger },
  ) {
    super();
  }

  get session(): SecureSession | undefined {
    return this.up ? this.endpoint?.session : undefined;
  }

  async start(): Promise<void> {
    this.driver = await UdpDriver.bind({
      host: this.o.host.includes(':') ? '::1' : '127.0.0.1',
      port: 0,
      onActivity: () => this.onActivity(),
      // Connected: when the LLM server's process is gone, our next datagram (a ping, an ACK, a
      // forwarded request) comes back as "port unreachable" and the link is down at once, so pending
      // chats get LLM_UNREACHABLE within a ping interval instead of after DEAD_AFTER_MS of silence.
      peer: { address: this.o.host, port: this.o.port },
      onSocketError: (error) => {
        if (error.code === 'ECONNREFUSED') this.markDown(`nothing listens on ${this.o.host}:${this.o.port} (the LLM server stopped)`);
      },
    });
    this.connect();
  }

  /** Resolves true once the link is up, false after `timeoutMs` (the start-up reachability check). */
  waitUp(timeoutMs: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('up', onUp);
        resolve(false);
      }, timeoutMs);
      const onUp = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.once('up', onUp);
    });
  }

  private connect(): void {
    if (this.stopped || !this.driver) return;
    this.endpoint = new InitiatorEndpoint({
      pattern: LOCAL_PATTERN,
      remote: { address: this.o.host, port: this.o.port },
      identity: this.o.key,
      kind: CredentialKind.LOCAL,
      credentialId: Buffer.alloc(16),
      psk: this.o.key,
      deviceName: 'relay',
      now: monotonicNow(),
      handshakeTimeoutMs: HANDSHAKE_ATTEMPT_MS,
      // The relay releases flow-control credit only once a client has taken the data (backpressure).
      session: { connection: { autoRelease: false } },
    });
    this.driver.attach(this.endpoint);
  }

  private onActivity(): void {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    let forwarded = false;
    for (const e of endpoint.drainEvents()) {
      if (e.kind === 'established') {
        this.up = true;
        this.lastUpAt = Date.now();
        this.retryDelay = 500;
        this.o.log.info(`local link to the LLM server at ${this.o.host}:${this.o.port} is up`);
        this.schedulePings();
        this.emit('up');
      } else if (e.kind === 'failed') {
        this.scheduleRetry();
      } else if (e.kind === 'sessionEvent') {
        const ev = e.event;
        if (ev.kind === 'message') {
          const { sessionId, streamClass } = splitLocalStreamId(ev.streamId);
          if (sessionId === 0) {
            // The link's own streams: PONGs only prove liveness, which lastReceived already tracks.
            endpoint.session?.connection.release(ev.streamId, ev.data.length);
            continue;
          }
          this.emit('message', { sessionId, streamClass, streamId: ev.streamId, data: ev.data });
          forwarded = true;
        } else if (ev.kind === 'closed') {
          this.markDown(`the LLM server closed the link (${ev.reason})`);
        }
      }
    }
    if (forwarded) this.emit('batchEnd');
  }

  private schedulePings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    this.pingTimer.unref();
  }

  private ping(): void {
    const session = this.endpoint?.session;
    if (!this.up || !session) return;
    const now = monotonicNow();
    if (session.isClosed || session.status(now).lastReceivedAgoMs > DEAD_AFTER_MS) {
      this.markDown('the LLM server stopped answering');
      return;
    }
    session.trySend(0, encodeMessage({ type: 'PING', id: newMessageId(), t: Date.now() }));
    this.driver?.kick();
  }

  private markDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.o.log.warn(`local link down: ${reason}; reconnecting`);
    this.emit('down', reason);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  /** Sends one client message (bytes unchanged) on that client's stream of the given class. */
  send(streamId: number, data: Buffer): boolean {
    const session = this.session;
    if (!session || !session.trySend(streamId, data)) return false;
    this.driver?.kick();
    return true;
  }

  /** Sends what is queued for the LLM server now instead of at the end of this loop turn (see UdpDriver.flushNow). */
  flushNow(): void {
    this.driver?.flushNow();
  }

  release(streamId: number, bytes: number): void {
    this.endpoint?.session?.connection.release(streamId, bytes);
    this.driver?.kick();
  }

  dropStreams(streamIds: number[]): void {
    const session = this.endpoint?.session;
    if (!session) return;
    for (const id of streamIds) session.connection.dropStream(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const session = this.endpoint?.session;
    if (session && !session.isClosed) session.close(4, 'relay shutting down');
    await this.driver?.close();
  }
}
