/**
 * The server side of the local link: one UDP socket on 127.0.0.1, a ResponderEndpoint that admits
 * only peers holding the local key (NNpsk0; a datagram without it fails mac1 and gets no answer), and
 * the Outbox the features send through. Client sessions are multiplexed by the relay: local stream
 * N*4+class belongs to client N (streams 0..3 to the link itself).
 */
import {
  CloseCode,
  CredentialKind,
  encodeMessage,
  LOCAL_PATTERN,
  localStreamId,
  ResponderEndpoint,
  splitLocalStreamId,
  type EncodableMessage,
  type ResponderEvent,
  type SecureSession,
} from '@clawchat/protocol';
import { monotonicNow, UdpDriver } from '@clawchat/protocol/node';
import { STREAM_DROP_DELAY_MS } from '../constants';
import type { Logger } from '../log';
import type { ClientRegistry } from './client-registry';
import { errorAnswer } from './error-answer';
import { clientKey, parseClientKey, type Outbox, type Route } from './outbox';

export interface LinkServerOptions {
  host: string;
  port: number;
  key: Buffer;
  log: Logger;
  clients: ClientRegistry;
  /** Every message that arrives, with the route its answers go back on. */
  onMessage: (bytes: Buffer, route: Route) => void;
}

/** A download waiting for acks re-checks at least this often, in case no datagram wakes it. */
const PROGRESS_FALLBACK_MS = 200;
/** Stream classes a client owns on the local link (control, chat, file, bulk). */
const CLASSES = [0, 1, 2, 3] as const;

export class LinkServer implements Outbox {
  private readonly links = new Map<number, SecureSession>();
  private readonly linkIds = new WeakMap<SecureSession, number>();
  private nextLinkId = 1;
  private waiters: (() => void)[] = [];
  private driver: UdpDriver | undefined;
  private readonly endpoint: ResponderEndpoint;

  constructor(private readonly o: LinkServerOptions) {
    const key = o.key;
    this.endpoint = new ResponderEndpoint({
      pattern: LOCAL_PATTERN,
      identity: key,
      policy: {
        pskFor: (kind) => (kind === CredentialKind.LOCAL ? key : undefined),
        admit: () => ({ resumptionId: Buffer.alloc(16) }),
        confirmed: () => undefined,
      },
      now: monotonicNow(),
    });
    o.clients.onClose((client) => {
      // The relay never uses this client's streams again: free their state (integration.md), but
      // only once a retransmission of something sent before the close can no longer arrive (a
      // dropped stream that receives data starts again from offset 0 and would break the link).
      const session = this.links.get(client.linkId);
      if (!session) return;
      const timer = setTimeout(() => {
        if (session.isClosed) return;
        for (const cls of CLASSES) session.connection.dropStream(localStreamId(client.clientNumber, cls));
      }, STREAM_DROP_DELAY_MS);
      timer.unref();
    });
  }

  /** Binds the socket (rejects with the bind error, e.g. EADDRINUSE). Until then nothing arrives and sends go nowhere. */
  async listen(): Promise<void> {
    this.driver = await UdpDriver.bind({ host: this.o.host, port: this.o.port, onActivity: () => this.onActivity() });
    this.driver.attach(this.endpoint);
  }

  get address(): { address: string; port: number } {
    if (!this.driver) throw new Error('the link is not listening yet');
    return this.driver.address;
  }

  get linkCount(): number {
    return this.links.size;
  }

  private onActivity(): void {
    for (const event of this.endpoint.drainEvents()) this.onEvent(event);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private onEvent(event: ResponderEvent): void {
    if (event.kind === 'session') {
      const linkId = this.nextLinkId++;
      this.links.set(linkId, event.session);
      this.linkIds.set(event.session, linkId);
      this.o.log.info('link', `relay link ${linkId} connected from port ${event.hello.from.port}`);
      return;
    }
    const linkId = this.linkIds.get(event.session);
    if (linkId === undefined) return;
    const e = event.event;
    if (e.kind === 'message') {
      const { sessionId } = splitLocalStreamId(e.streamId);
      this.o.onMessage(e.data, { client: clientKey(linkId, sessionId), streamId: e.streamId });
    } else if (e.kind === 'closed') {
      this.links.delete(linkId);
      const gone = this.o.clients.closeLink(linkId, `link closed: ${e.reason}`);
      this.o.log.info('link', `relay link ${linkId} closed (code ${e.code}${e.byPeer ? ', by the relay' : ''}); ${gone.length} client session(s) ended`);
    }
  }

  private sessionFor(route: Route): SecureSession | undefined {
    const { linkId, clientNumber } = parseClientKey(route.client);
    const session = this.links.get(linkId);
    if (!session || session.isClosed) return undefined;
    if (clientNumber > 0 && !this.o.clients.isOpen(route.client)) return undefined;
    return session;
  }

  send(route: Route, message: EncodableMessage): boolean {
    const session = this.sessionFor(route);
    if (!session) return false;
    let bytes: Buffer;
    try {
      bytes = encodeMessage(message);
    } catch (error) {
      this.o.log.error('link', `could not encode ${message.type}: ${error instanceof Error ? error.message : String(error)}`, error);
      const re = (message as { re?: string }).re;
      if (re === undefined || message.type === 'ERROR') return false;
      bytes = encodeMessage(errorAnswer(re, error instanceof Error ? new Error(error.message) : error));
    }
    try {
      session.send(route.streamId, bytes);
    } catch {
      return false; // closed between the check and the send
    }
    // Answers are mostly sent from async code (a provider's stream, a file read) that runs after the
    // driver's own flush of this loop turn; waiting for the next turn would add one to every answer.
    this.driver?.flushSoon();
    return true;
  }

  push(message: EncodableMessage, streamClass: number, except?: string): number {
    let sent = 0;
    for (const client of this.o.clients.all()) {
      if (client.key === except) continue;
      if (this.send({ client: client.key, streamId: localStreamId(client.clientNumber, streamClass) }, message)) sent++;
    }
    return sent;
  }

  buffered(route: Route): number {
    return this.sessionFor(route)?.connection.buffered(route.streamId) ?? 0;
  }

  isOpen(route: Route): boolean {
    return this.sessionFor(route) !== undefined;
  }

  progress(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, PROGRESS_FALLBACK_MS);
      timer.unref?.();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /** Tells the relay we are going away (CloseCode.SHUTDOWN), lets the CLOSE go out, closes the socket. */
  async close(): Promise<void> {
    for (const session of this.links.values()) session.close(CloseCode.SHUTDOWN, 'the LLM server is shutting down');
    if (this.driver) {
      this.driver.kick();
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.driver.close();
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
