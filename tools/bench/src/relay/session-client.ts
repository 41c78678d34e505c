/**
 * A long-lived client made from the protocol libraries (like e2e/src/support/test-client.ts), with a
 * message callback instead of a list, so a 1,000-turn loop reacts to each message as it arrives.
 */
import { generateX25519KeyPair, type X25519KeyPair } from '@clawchat/crypto';
import {
  CLIENT_PATTERN,
  CloseCode,
  CredentialKind,
  InitiatorEndpoint,
  decodeMessage,
  encodeMessage,
  newMessageId,
  streamClassFor,
  type Message,
  type SecureSession,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import { readSecFile } from '@clawchat/security-file';

export interface ResumptionJson {
  host: string;
  port: number;
  relayPublicKey: string;
  resumptionId: string;
  resumptionPsk: string;
}

interface Dial {
  host: string;
  port: number;
  relayKey: Buffer;
  kind: number;
  id: Buffer;
  psk: Buffer;
}

export class SessionClient {
  onMessage: (m: Message) => void = () => undefined;
  resumption: ResumptionJson | undefined;
  private driver!: UdpDriver;
  private endpoint!: InitiatorEndpoint;
  private settle: ((error?: Error) => void) | undefined;

  private constructor(readonly device: X25519KeyPair) {}

  /** First connect of a device: the ticket in a .sec file. Resolves once the session is established. */
  static async fromSec(secFile: string, bootstrapKey: string, device = generateX25519KeyPair()): Promise<SessionClient> {
    const body = await readSecFile(secFile, bootstrapKey);
    const relay = body.relays[0];
    const c = new SessionClient(device);
    await c.open(
      {
        host: relay.host,
        port: relay.port,
        relayKey: Buffer.from(body.relayPublicKey, 'base64'),
        kind: CredentialKind.TICKET,
        id: Buffer.from(body.ticketId, 'base64url'),
        psk: Buffer.from(body.psk, 'base64'),
      },
      '127.0.0.1',
    );
    return c;
  }

  /** Another session of a known device: its resumption credential (one device may hold several). */
  static async resume(r: ResumptionJson, device: X25519KeyPair, bindHost = '127.0.0.1'): Promise<SessionClient> {
    const c = new SessionClient(device);
    await c.open(
      {
        host: r.host,
        port: r.port,
        relayKey: Buffer.from(r.relayPublicKey, 'base64'),
        kind: CredentialKind.RESUMPTION,
        id: Buffer.from(r.resumptionId, 'base64'),
        psk: Buffer.from(r.resumptionPsk, 'base64'),
      },
      bindHost,
    );
    return c;
  }

  private async open(d: Dial, bindHost: string): Promise<void> {
    const established = new Promise<void>((resolve, reject) => (this.settle = (e) => (e ? reject(e) : resolve())));
    // Small buffers: an idle session needs none of the 4 MiB default, and 1,000 sockets should not reserve it.
    this.driver = await UdpDriver.bind({ host: bindHost, port: 0, bufferBytes: 256 * 1024, onActivity: () => this.onActivity(d) });
    this.endpoint = new InitiatorEndpoint({
      pattern: CLIENT_PATTERN,
      remote: { address: d.host, port: d.port },
      identity: d.relayKey,
      remoteStatic: d.relayKey,
      localStatic: this.device,
      kind: d.kind,
      credentialId: d.id,
      psk: d.psk,
      deviceName: 'bench',
      now: monotonicNow(),
      handshakeTimeoutMs: 10_000,
    });
    this.driver.attach(this.endpoint);
    await established;
  }

  private onActivity(d: Dial): void {
    for (const e of this.endpoint.drainEvents()) {
      if (e.kind === 'established') {
        if (!e.resumptionId.equals(Buffer.alloc(16))) {
          this.resumption = {
            host: d.host,
            port: d.port,
            relayPublicKey: d.relayKey.toString('base64'),
            resumptionId: e.resumptionId.toString('base64'),
            resumptionPsk: Buffer.from(e.resumptionPsk).toString('base64'),
          };
        }
        this.settle?.();
      } else if (e.kind === 'failed') {
        this.settle?.(new Error(`handshake with the relay failed: ${e.reason}`));
      } else if (e.event.kind === 'message') {
        this.onMessage(decodeMessage(e.event.data));
      } else if (e.event.kind === 'closed') {
        this.settle?.(new Error(`the relay closed the session: ${e.event.reason}`));
      }
    }
  }

  get session(): SecureSession {
    const s = this.endpoint.session;
    if (!s) throw new Error('no session yet');
    return s;
  }

  /** Sends a request on its stream class with a fresh id; returns the id. */
  send(msg: Record<string, unknown> & { type: string }): string {
    const id = newMessageId();
    this.session.send(streamClassFor(msg.type), encodeMessage({ ...msg, id } as unknown as Message));
    this.driver.flushSoon(); // as the real client's requests do
    return id;
  }

  /** Sends a request and resolves with the first answer that ends it (`re` = its id). */
  request(msg: Record<string, unknown> & { type: string }, endTypes: readonly string[], timeoutMs = 20_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const previous = this.onMessage;
      const timer = setTimeout(() => {
        this.onMessage = previous;
        reject(new Error(`no answer to ${msg.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const id = this.send(msg);
      this.onMessage = (m) => {
        if ((m as { re?: string }).re === id && endTypes.includes(m.type)) {
          clearTimeout(timer);
          this.onMessage = previous;
          resolve(m);
        }
      };
    });
  }

  async close(): Promise<void> {
    const s = this.endpoint?.session;
    if (s && !s.isClosed) s.close(CloseCode.NORMAL, 'benchmark done');
    this.driver?.kick();
    await this.driver?.close();
  }
}
