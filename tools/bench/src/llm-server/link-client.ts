/**
 * A relay-like peer on the LLM server's local link (like apps/relay/src/link/llm-link.ts and
 * e2e/src/llm-server/support.ts): NNpsk0 with the local key, client sessions multiplexed as streams.
 */
import {
  CredentialKind,
  InitiatorEndpoint,
  LOCAL_PATTERN,
  decodeMessage,
  encodeMessage,
  localStreamId,
  newMessageId,
  streamClassFor,
  type EncodableMessage,
  type Message,
  type SecureSession,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';

export class LinkClient {
  onMessage: (m: Message, streamId: number) => void = () => undefined;

  private constructor(
    private readonly endpoint: InitiatorEndpoint,
    private readonly driver: UdpDriver,
  ) {}

  static async connect(port: number, key: Buffer): Promise<LinkClient> {
    const endpoint = new InitiatorEndpoint({
      pattern: LOCAL_PATTERN,
      remote: { address: '127.0.0.1', port },
      identity: key,
      kind: CredentialKind.LOCAL,
      credentialId: Buffer.alloc(16),
      psk: key,
      deviceName: 'bench-relay',
      now: monotonicNow(),
      handshakeTimeoutMs: 10_000,
    });
    let settle: (e?: Error) => void = () => undefined;
    const up = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
    const holder: { link?: LinkClient } = {};
    const driver = await UdpDriver.bind({
      host: '127.0.0.1',
      port: 0,
      onActivity: () => {
        for (const e of endpoint.drainEvents()) {
          if (e.kind === 'established') settle();
          else if (e.kind === 'failed') settle(new Error(`local link handshake failed: ${e.reason}`));
          else if (e.event.kind === 'message') holder.link?.onMessage(decodeMessage(e.event.data), e.event.streamId);
        }
      },
    });
    const link = (holder.link = new LinkClient(endpoint, driver));
    driver.attach(endpoint);
    await up;
    return link;
  }

  private get session(): SecureSession {
    const s = this.endpoint.session;
    if (!s) throw new Error('the local link is not up');
    return s;
  }

  /** Sends `msg` for client session `client` on its type's stream class. */
  send(client: number, msg: EncodableMessage, streamClass = streamClassFor(msg.type)): void {
    this.session.send(localStreamId(client, streamClass), encodeMessage(msg));
    this.driver.kick();
  }

  /** Announces a client session, as the relay does when a device connects. */
  open(client: number): void {
    this.send(client, { type: 'CLIENT_OPEN', sessionId: String(client), device: `bench-${client}`, fingerprint: `fp${client}` }, 0);
  }

  newId(): string {
    return newMessageId();
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
