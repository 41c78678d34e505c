/**
 * A relay stand-in for connection tests: a real ResponderEndpoint on a real UDP socket (127.0.0.1)
 * that accepts one ticket and the resumption credentials it hands out (a new one on every handshake,
 * like the real relay, which it records once the session is confirmed), and lets the test answer
 * every client message itself (HELLO is answered with WELCOME unless the test says otherwise).
 * It can refuse the ticket, close sessions with a code, and go mute (drop every datagram).
 */
import { randomBytes } from 'node:crypto';
import { generateX25519KeyPair } from '@clawchat/crypto';
import {
  CATALOGUE_VERSION,
  CLIENT_PATTERN,
  CredentialKind,
  ResponderEndpoint,
  decodeMessage,
  encodeMessage,
  type Address,
  type Datagram,
  type EncodableMessage,
  type PeerHello,
  type SecureSession,
  type SessionTimers,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import type { ConnectTarget } from '../connection/relay-connection';
import type { Message } from '../connection/types';

export interface Received {
  msg: Message;
  streamId: number;
  session: SecureSession;
  reply(answer: Record<string, unknown>): void;
}

export interface FakeRelayOptions {
  /** Complete the handshake and close at once with this code (spent ticket). */
  refuseTicket?: { code: number; reason: string };
  sessionTimers?: Partial<SessionTimers>;
}

export class FakeRelay {
  readonly relayKey = generateX25519KeyPair();
  readonly ticketId = randomBytes(16);
  readonly ticketPsk = randomBytes(32);
  readonly received: Received[] = [];
  readonly hellos: PeerHello[] = [];
  /** Resumption id (hex) → PSK, filled when a session is confirmed. All of them stay valid here. */
  readonly resumptions = new Map<string, Buffer>();
  /** The next confirmed session's new credential is not recorded (a relay that crashed before saving it). */
  forgetNextCredential = false;
  /** The next confirmed session is refused with this close (e.g. UNAVAILABLE: the relay could not save). */
  refuseNextConfirm: { code: number; reason: string } | undefined;
  handler: (r: Received) => void = (r) => this.defaultHandler(r);
  muted = false;
  private endpoint!: ResponderEndpoint;
  private driver!: UdpDriver;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly options: FakeRelayOptions) {}

  static async start(options: FakeRelayOptions = {}): Promise<FakeRelay> {
    const relay = new FakeRelay(options);
    await relay.listen();
    return relay;
  }

  private async listen(): Promise<void> {
    const pending = new WeakMap<PeerHello, Buffer>(); // resumption id handed out, not yet confirmed
    this.endpoint = new ResponderEndpoint({
      pattern: CLIENT_PATTERN,
      identity: this.relayKey.publicKey,
      localStatic: this.relayKey,
      now: monotonicNow(),
      session: this.options.sessionTimers ? { timers: this.options.sessionTimers } : undefined,
      policy: {
        pskFor: (kind, id) => {
          if (kind === CredentialKind.TICKET && id.equals(this.ticketId)) return this.ticketPsk;
          if (kind === CredentialKind.RESUMPTION) return this.resumptions.get(id.toString('hex'));
          return undefined;
        },
        admit: (hello) => {
          this.hellos.push(hello);
          if (hello.kind === CredentialKind.TICKET && this.options.refuseTicket) {
            return { resumptionId: Buffer.alloc(16), refuse: this.options.refuseTicket };
          }
          const resumptionId = randomBytes(16);
          pending.set(hello, resumptionId);
          return { resumptionId };
        },
        confirmed: (_session, hello, resumptionPsk) => {
          const refuse = this.refuseNextConfirm;
          if (refuse) {
            this.refuseNextConfirm = undefined;
            return { refuse };
          }
          const id = pending.get(hello);
          if (!id) return;
          if (this.forgetNextCredential) {
            this.forgetNextCredential = false;
            return;
          }
          this.resumptions.set(id.toString('hex'), Buffer.from(resumptionPsk));
        },
      },
    });
    const endpoint = this.endpoint;
    // A wrapper so the test can make the relay deaf and dumb without closing its socket.
    const machine = {
      receive: (data: Buffer, from: Address, now: number) => {
        if (!this.muted) endpoint.receive(data, from, now);
      },
      flush: (now: number): Datagram[] => {
        const out = endpoint.flush(now);
        return this.muted ? [] : out;
      },
      nextTimeout: () => endpoint.nextTimeout(),
      onTimeout: (now: number) => endpoint.onTimeout(now),
    };
    this.driver = await UdpDriver.bind({ host: '127.0.0.1', port: 0, onActivity: () => this.onActivity() });
    this.driver.attach(machine);
  }

  private onActivity(): void {
    for (const e of this.endpoint.drainEvents()) {
      if (e.kind !== 'sessionEvent' || e.event.kind !== 'message') continue;
      const { session } = e;
      const streamId = e.event.streamId;
      const msg = decodeMessage(e.event.data) as unknown as Message;
      const r: Received = { msg, streamId, session, reply: (answer) => this.send(session, streamId, answer) };
      this.received.push(r);
      this.handler(r);
    }
    for (const w of [...this.waiters]) w();
  }

  defaultHandler(r: Received): void {
    if (r.msg.type === 'HELLO') r.reply(welcome(String(r.msg.id)));
  }

  send(session: SecureSession, streamId: number, msg: Record<string, unknown>): void {
    session.send(streamId, encodeMessage(msg as unknown as EncodableMessage));
    this.driver.kick();
  }

  get port(): number {
    return this.driver.address.port;
  }

  /** Confirmed, open sessions. */
  sessions(): SecureSession[] {
    return this.endpoint.sessions().map((s) => s.session);
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.sessions()) s.close(code, reason);
    this.driver.kick();
  }

  ticketTarget(): ConnectTarget {
    return {
      host: '127.0.0.1',
      port: this.port,
      relayPublicKey: this.relayKey.publicKey,
      credential: { kind: 'ticket', ticketId: this.ticketId, psk: this.ticketPsk },
    };
  }

  /** Resolves once `pred` holds (checked after every batch of relay activity). */
  until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (pred()) return resolve();
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`fake relay: condition not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  messages(type: string): Message[] {
    return this.received.filter((r) => r.msg.type === type).map((r) => r.msg);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

export function welcome(re: string, over: Partial<Record<string, unknown>> = {}): Record<string, unknown> {
  return { type: 'WELCOME', re, versions: [CATALOGUE_VERSION], provider: 'offline', model: 'echo', offline: true, session: { turns: 0, startedAt: 0 }, ...over };
}
