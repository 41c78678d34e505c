/**
 * A minimal long-lived client made from the protocol libraries, for relay tests that need a session
 * to stay open while something happens (revocation, rotation, regeneration). The real client binary
 * is exercised by the CLI and pseudo-terminal tests; this one lets a test hold a session and watch
 * every message.
 */
import { hostname } from 'node:os';
import { generateX25519KeyPair, type X25519KeyPair } from '@clawchat/crypto';
import {
  CLIENT_PATTERN,
  CredentialKind,
  InitiatorEndpoint,
  decodeMessage,
  encodeMessage,
  newMessageId,
  streamClassFor,
  type InitiatorEvent,
  type Message,
  type SecureSession,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import { readSecFile } from '@clawchat/security-file';

export interface Resumption {
  host: string;
  port: number;
  relayPublicKey: Buffer;
  resumptionId: Buffer;
  resumptionPsk: Buffer;
}

export class TestClient {
  readonly messages: Message[] = [];
  closed: { code: number; reason: string } | undefined;
  resumption: Resumption | undefined;
  private driver!: UdpDriver;
  private endpoint!: InitiatorEndpoint;
  private waiters = new Set<() => void>();
  failed: string | undefined;

  private constructor(readonly device: X25519KeyPair) {}

  static async fromSec(secFile: string, bootstrapKey: string, opts: { device?: X25519KeyPair; name?: string; timers?: object } = {}): Promise<TestClient> {
    const body = await readSecFile(secFile, bootstrapKey);
    const c = new TestClient(opts.device ?? generateX25519KeyPair());
    const relay = body.relays[0];
    await c.open(relay.host, relay.port, Buffer.from(body.relayPublicKey, 'base64'), CredentialKind.TICKET, Buffer.from(body.ticketId, 'base64url'), Buffer.from(body.psk, 'base64'), opts.name ?? `test-${hostname()}`);
    return c;
  }

  static async resume(r: Resumption, device: X25519KeyPair, name = 'test'): Promise<TestClient> {
    const c = new TestClient(device);
    await c.open(r.host, r.port, r.relayPublicKey, CredentialKind.RESUMPTION, r.resumptionId, r.resumptionPsk, name);
    return c;
  }

  private async open(host: string, port: number, relayKey: Buffer, kind: number, id: Buffer, psk: Buffer, name: string): Promise<void> {
    this.driver = await UdpDriver.bind({ host: '127.0.0.1', port: 0, onActivity: () => this.onActivity() });
    this.endpoint = new InitiatorEndpoint({
      pattern: CLIENT_PATTERN,
      remote: { address: host, port },
      identity: relayKey,
      remoteStatic: relayKey,
      localStatic: this.device,
      kind,
      credentialId: id,
      psk,
      deviceName: name,
      now: monotonicNow(),
      handshakeTimeoutMs: 5_000,
    });
    this.driver.attach(this.endpoint);
    this.relayKey = relayKey;
    this.target = { host, port };
  }

  private relayKey!: Buffer;
  private target!: { host: string; port: number };

  private onActivity(): void {
    for (const e of this.endpoint.drainEvents() as InitiatorEvent[]) {
      if (e.kind === 'established') {
        if (!e.resumptionId.equals(Buffer.alloc(16))) {
          this.resumption = { ...this.target, relayPublicKey: this.relayKey, resumptionId: e.resumptionId, resumptionPsk: Buffer.from(e.resumptionPsk) };
        }
      } else if (e.kind === 'failed') this.failed = e.reason;
      else if (e.event.kind === 'message') this.messages.push(decodeMessage(e.event.data));
      else if (e.event.kind === 'closed') this.closed = { code: e.event.code, reason: e.event.reason };
    }
    for (const w of this.waiters) w();
  }

  get session(): SecureSession | undefined {
    return this.endpoint.session;
  }

  get state(): string {
    return this.endpoint.state;
  }

  until(pred: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${what} not reached within ${timeoutMs} ms (state ${this.state}, closed ${JSON.stringify(this.closed)}, failed ${this.failed})`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Sends a request (an id is added) on its stream class; returns the id. */
  send(msg: Record<string, unknown> & { type: string }): string {
    const id = (msg.id as string | undefined) ?? newMessageId();
    const full = { ...msg, id } as unknown as Message;
    (this.session as SecureSession).send(streamClassFor(msg.type), encodeMessage(full));
    this.driver.kick();
    return id;
  }

  /**
   * Drops every datagram that arrives for `ms` (a laptop whose lid closed for a moment, a stalled
   * process): the relay sees no ACKs and its queue for this client grows.
   */
  deaf(ms: number): Promise<void> {
    const socket = this.driver.socket;
    const listeners = socket.listeners('message') as ((...args: unknown[]) => void)[];
    socket.removeAllListeners('message');
    socket.on('message', () => undefined); // read and dropped
    return new Promise((resolve) =>
      setTimeout(() => {
        socket.removeAllListeners('message');
        for (const l of listeners) socket.on('message', l);
        resolve();
      }, ms),
    );
  }

  /** Sends a message without an id (pushes such as COMPROMISED). */
  push(msg: Record<string, unknown> & { type: string }): void {
    (this.session as SecureSession).send(streamClassFor(msg.type), encodeMessage(msg as unknown as Message));
    this.driver.kick();
  }

  /** Sends a request and waits for its end (OK, ERROR, CHAT_DONE, FILE_DONE). */
  async request(msg: Record<string, unknown> & { type: string }, timeoutMs = 20_000): Promise<Message> {
    const id = this.send(msg);
    const ends = new Set(['OK', 'ERROR', 'CHAT_DONE', 'FILE_DONE', 'PONG']);
    const find = () => this.messages.find((m) => ends.has(m.type) && (m as { re?: string }).re === id);
    await this.until(() => !!find(), timeoutMs, `answer to ${msg.type}`);
    return find() as Message;
  }

  async close(): Promise<void> {
    const s = this.session;
    if (s && !s.isClosed) s.close(0, 'test done');
    await this.driver.close();
  }
}
