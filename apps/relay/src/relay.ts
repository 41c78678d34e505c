/**
 * The relay process: the public UDP endpoint for clients, the local link to the LLM server, and the
 * transparent forwarding between them. It checks only each message's envelope (type known, id present,
 * size in bounds) and forwards the bytes unchanged; it answers PING and STATUS itself, and originates
 * only COMPROMISED and ERROR (LLM_UNREACHABLE, BAD_REQUEST for a broken envelope).
 */
import os from 'node:os';
import { isIP } from 'node:net';
import {
  CLIENT_PATTERN,
  CloseCode,
  ResponderEndpoint,
  decodeEnvelope,
  decodeMessage,
  encodeMessage,
  expectsAnswer,
  localStreamId,
  requestKind,
  type Message,
  type SecureSession,
  type SessionEvent,
  type ErrorCode,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import type { X25519KeyPair } from '@clawchat/crypto';
import type { RelayConfig } from './config';
import { CredentialPolicy, type ConfirmedPeer } from './credential-policy';
import type { Logger } from './log';
import { LlmLink, type LinkMessage } from './link/llm-link';
import type { Peer, PeerStore } from './state/peers';
import type { TicketBook } from './state/tickets';

/** Hold back flow-control credit on the local link while a client has this much unacknowledged data. */
const CLIENT_BACKLOG_LIMIT = 8 * 1024 * 1024;

interface PendingRequest {
  streamClass: number;
  deadline: number;
}

export interface ClientRecord {
  sessionId: number;
  session: SecureSession;
  peer: Peer;
  connectedAt: number;
  pending: Map<string, PendingRequest>;
  /** Local-link credit not yet returned because this client is behind (per local stream id). */
  held: Map<number, number>;
}

export interface RelayStatus {
  uptimeMs: number;
  listen: string;
  endpoints: string[];
  secFile: string;
  secExpiresAt?: number;
  llm: { address: string; reachable: boolean };
  clients: {
    sessionId: number;
    device: string;
    fingerprint: string;
    address: string;
    connectedForMs: number;
    keyAgeMs: number;
    nextRekeyInMs: number;
    rttMs: number;
  }[];
  peers: { device: string; fingerprint: string; lastSeen: number }[];
  drops: Record<string, number>;
  handshakes: number;
}

/** Messages only the relay may originate on the local link (who is connected, as the relay saw it). */
const RELAY_ORIGINATED: ReadonlySet<string> = new Set(['CLIENT_OPEN', 'CLIENT_CLOSE']);

export class Relay {
  readonly startedAt = Date.now();
  private driver!: UdpDriver;
  private endpoint!: ResponderEndpoint;
  readonly link: LlmLink;
  private readonly clients = new Map<number, ClientRecord>();
  private readonly bySession = new Map<SecureSession, ClientRecord>();
  /**
   * Clients whose local-link credit is held back (they are behind): the only ones releaseHeldCredit,
   * which runs after every batch of datagrams, has to look at — not every connected client.
   */
  private readonly holding = new Set<ClientRecord>();
  private nextSessionId = 1;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cfg: RelayConfig,
    private identity: X25519KeyPair,
    private readonly tickets: TicketBook,
    private readonly peers: PeerStore,
    private readonly log: Logger,
    localKey: Buffer,
  ) {
    this.link = new LlmLink({ host: cfg.llmIp, port: cfg.llmPort, key: localKey, log: log.child('link') });
    this.link.on('message', (m) => this.fromLlm(m));
    // A piece from the LLM server leaves for its client in the same turn of the event loop, ahead of
    // the ACK the link owes the LLM server (which the link's own flush sends right after).
    this.link.on('batchEnd', () => this.driver?.flushNow());
    this.link.on('down', () => this.failAllPending('LLM_UNREACHABLE'));
    this.link.on('up', () => this.reannounceClients());
  }

  get address(): { address: string; port: number } {
    return this.driver.address;
  }

  /** Binds the public socket (resolves with the bound port). */
  async listen(port: number): Promise<number> {
    this.driver = await UdpDriver.bind({ host: this.cfg.ip, port, onActivity: () => this.onActivity() });
    this.endpoint = this.makeEndpoint();
    this.driver.attach(this.endpoint);
    const sweepEvery = Math.max(50, Math.min(1000, this.cfg.llmTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    this.sweepTimer.unref();
    return this.driver.address.port;
  }

  private makeEndpoint(): ResponderEndpoint {
    const policy = new CredentialPolicy(this.tickets, this.peers, this.log.child('auth'), (c) => this.onClientConfirmed(c));
    return new ResponderEndpoint({
      pattern: CLIENT_PATTERN,
      identity: this.identity.publicKey,
      localStatic: this.identity,
      policy,
      now: monotonicNow(),
      session: this.cfg.rekeyAfterMs ? { timers: { rekeyAfterMs: this.cfg.rekeyAfterMs, rejectAfterMs: this.cfg.rekeyAfterMs + 5 * 60_000 } } : undefined,
    });
  }

  // ------------------------------------------------------------------ client sessions

  private onClientConfirmed(c: ConfirmedPeer): void {
    const record: ClientRecord = {
      sessionId: this.nextSessionId++,
      session: c.session,
      peer: c.peer,
      connectedAt: Date.now(),
      pending: new Map(),
      held: new Map(),
    };
    this.clients.set(record.sessionId, record);
    this.bySession.set(c.session, record);
    this.tickets.clientConnected();
    const from = c.session.remoteAddress;
    this.log.info(`${c.peer.deviceName} (${c.peer.fingerprint}) connected from ${from.address}:${from.port} as session ${record.sessionId}`);
    this.announce(record);
  }

  private announce(record: ClientRecord): void {
    this.link.send(
      localStreamId(record.sessionId, 0),
      encodeMessage({ type: 'CLIENT_OPEN', sessionId: String(record.sessionId), device: record.peer.deviceName, fingerprint: record.peer.fingerprint }),
    );
  }

  /** After the link comes back (LLM server restarted), tell it again who is connected. */
  private reannounceClients(): void {
    for (const record of this.clients.values()) this.announce(record);
  }

  private onActivity(): void {
    for (const e of this.endpoint.drainEvents()) {
      if (e.kind !== 'sessionEvent') continue;
      const record = this.bySession.get(e.session);
      if (!record) continue;
      try {
        this.onSessionEvent(record, e.event);
      } catch (err) {
        // One client's trouble must never take the relay (and every other session) down.
        this.log.error(`session ${record.sessionId}: ${(err as Error).message}`);
      }
    }
    this.releaseHeldCredit();
    // What this batch forwarded leaves for the LLM server now, not after the client ACKs and a loop turn.
    this.link.flushNow();
  }

  private onSessionEvent(record: ClientRecord, event: SessionEvent): void {
    switch (event.kind) {
      case 'message':
        this.fromClient(record, event.streamId, event.data);
        return;
      case 'closed':
        this.onClientClosed(record, event.reason, event.byPeer);
        return;
      case 'rekeyed':
        this.log.info(`session ${record.sessionId} (${record.peer.deviceName}): keys rotated`);
        return;
      case 'pathChanged':
        this.log.info(`session ${record.sessionId} (${record.peer.deviceName}) moved from ${event.from.address}:${event.from.port} to ${event.to.address}:${event.to.port}`);
        return;
      default:
        return;
    }
  }

  private onClientClosed(record: ClientRecord, reason: string, byPeer: boolean): void {
    if (!this.clients.delete(record.sessionId)) return;
    this.bySession.delete(record.session);
    this.holding.delete(record);
    this.log.info(`session ${record.sessionId} (${record.peer.deviceName}) ended: ${byPeer ? 'closed by the client' : reason}`);
    this.link.send(localStreamId(record.sessionId, 0), encodeMessage({ type: 'CLIENT_CLOSE', sessionId: String(record.sessionId), reason: byPeer ? 'client closed' : reason }));
    // The CLIENT_CLOSE must go out before the streams are forgotten; drop them a moment later.
    setTimeout(() => this.link.dropStreams([0, 1, 2, 3].map((c) => localStreamId(record.sessionId, c))), 5_000).unref();
    this.tickets.clientDisconnected();
  }

  // ------------------------------------------------------------------ forwarding

  /** Sessions that are closing (revoked, timed out) silently take nothing more. */
  private replyToClient(record: ClientRecord, streamClass: number, msg: Message): void {
    if (record.session.trySend(streamClass, encodeMessage(msg))) this.driver.kick();
  }

  private fromClient(record: ClientRecord, streamId: number, data: Buffer): void {
    const streamClass = streamId % 4;
    let env;
    try {
      env = decodeEnvelope(data);
    } catch (err) {
      this.replyToClient(record, streamClass, { type: 'ERROR', code: 'BAD_REQUEST', message: (err as Error).message });
      return;
    }
    if (RELAY_ORIGINATED.has(env.type)) {
      // The LLM server trusts these because only the relay sends them: a client must not vouch for itself.
      this.replyToClient(record, streamClass, { type: 'ERROR', re: env.id, code: 'BAD_REQUEST', message: `${env.type} is sent by the relay only` });
      return;
    }
    if (env.type === 'PING') {
      try {
        const ping = decodeMessage(data);
        if (ping.type === 'PING') this.replyToClient(record, streamClass, { type: 'PONG', re: ping.id, t: ping.t });
      } catch (err) {
        this.replyToClient(record, streamClass, { type: 'ERROR', re: env.id, code: 'BAD_REQUEST', message: (err as Error).message });
      }
      return;
    }
    if (env.type === 'STATUS') {
      const s = record.session.status(monotonicNow());
      this.replyToClient(record, streamClass, {
        type: 'OK',
        re: env.id as string,
        result: {
          uptimeMs: Date.now() - this.startedAt,
          keyAgeMs: Math.round(s.keyAgeMs),
          nextRekeyMs: Math.round(s.nextRekeyInMs),
          peers: this.peers.list().length,
          llmReachable: this.link.up,
        },
      });
      return;
    }
    if (env.type === 'COMPROMISED') {
      // The client's /compromised: the compromise procedure for this device, triggered by itself.
      this.revoke([record.peer], 'reported compromised by the device itself').catch((err: Error) => this.log.error(`revoke failed: ${err.message}`));
      return;
    }
    if (env.id && expectsAnswer(env)) {
      if (!this.link.up) {
        this.replyToClient(record, streamClass, { type: 'ERROR', re: env.id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
        return;
      }
      record.pending.set(env.id, { streamClass, deadline: monotonicNow() + this.cfg.llmTimeoutMs });
    }
    if (!this.link.send(localStreamId(record.sessionId, streamClass), data) && env.id && expectsAnswer(env)) {
      record.pending.delete(env.id);
      this.replyToClient(record, streamClass, { type: 'ERROR', re: env.id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
    }
  }

  private fromLlm(m: LinkMessage): void {
    const record = this.clients.get(m.sessionId);
    if (!record) {
      // A late answer for a client that has gone: just return the credit.
      this.link.release(m.streamId, m.data.length);
      return;
    }
    try {
      const env = decodeEnvelope(m.data);
      const re = env.re;
      if (re !== undefined) {
        const pending = record.pending.get(re);
        if (pending) {
          // Every streamed piece restarts the wait; the request's end removes it.
          if (requestKind(env.type) === 'end') record.pending.delete(re);
          else pending.deadline = monotonicNow() + this.cfg.llmTimeoutMs;
        }
      }
    } catch {
      // The LLM server is trusted, but a broken message is still only forwarded, never parsed further.
    }
    if (!record.session.trySend(m.streamClass, m.data)) {
      this.link.release(m.streamId, m.data.length);
      return;
    }
    if (record.session.connection.buffered(m.streamClass) > CLIENT_BACKLOG_LIMIT) {
      record.held.set(m.streamId, (record.held.get(m.streamId) ?? 0) + m.data.length);
      this.holding.add(record);
    } else {
      this.link.release(m.streamId, m.data.length);
    }
    this.driver.kick();
  }

  private waitingOnClient(record: ClientRecord, streamClass: number): boolean {
    if (record.session.connection.buffered(streamClass) > 0) return true;
    for (const streamId of record.held.keys()) if (streamId % 4 === streamClass) return true;
    return false;
  }

  /** Returns held-back credit to the LLM server once a slow client has caught up. */
  private releaseHeldCredit(): void {
    for (const record of this.holding) {
      for (const [streamId, bytes] of record.held) {
        if (record.session.connection.buffered(streamId % 4) <= CLIENT_BACKLOG_LIMIT / 2) {
          record.held.delete(streamId);
          this.link.release(streamId, bytes);
        }
      }
      if (record.held.size === 0) this.holding.delete(record);
    }
  }

  /**
   * Fails requests whose LLM answer went quiet for longer than --llm-timeout. A request whose stream is
   * waiting on the client (credit held back, data unacknowledged) is not the LLM server's silence.
   */
  private sweep(): void {
    const now = monotonicNow();
    for (const record of this.clients.values()) {
      for (const [id, p] of record.pending) {
        if (this.waitingOnClient(record, p.streamClass)) {
          p.deadline = now + this.cfg.llmTimeoutMs;
          continue;
        }
        if (p.deadline <= now) {
          record.pending.delete(id);
          this.log.warn(`session ${record.sessionId}: no answer from the LLM server for ${this.cfg.llmTimeoutMs} ms; reporting LLM_UNREACHABLE`);
          this.replyToClient(record, p.streamClass, { type: 'ERROR', re: id, code: 'LLM_UNREACHABLE', message: 'Cannot reach LLM server' });
        }
      }
    }
    this.releaseHeldCredit();
  }

  private failAllPending(code: ErrorCode): void {
    for (const record of this.clients.values()) {
      for (const [id, p] of record.pending) this.replyToClient(record, p.streamClass, { type: 'ERROR', re: id, code, message: 'Cannot reach LLM server' });
      record.pending.clear();
    }
  }

  // ------------------------------------------------------------------ administration

  /**
   * The compromise procedure: forget the peers' resumption credentials, close their sessions with an
   * authenticated COMPROMISED notice, revoke every outstanding ticket and write a fresh .sec.
   */
  async revoke(peers: Peer[], why: string, closeCode: number = CloseCode.REVOKED): Promise<number> {
    this.peers.remove(peers);
    // Tickets first: whatever happens to the sessions below, the old .sec must die.
    const written = this.tickets.revokeAll();
    let closed = 0;
    const keys = new Set(peers.map((p) => p.publicKey));
    for (const record of [...this.clients.values()]) {
      if (!keys.has(record.peer.publicKey)) continue;
      this.replyToClient(record, 0, { type: 'COMPROMISED', reason: `this device's credential was revoked (${why}); load a new .sec` });
      record.session.close(closeCode, 'credential revoked');
      this.onClientClosed(record, 'credential revoked', false);
      closed++;
    }
    this.driver.kick();
    for (const p of peers) this.log.warn(`revoked ${p.deviceName} (${p.fingerprint}): ${why}`);
    await written;
    this.log.warn(`all outstanding tickets revoked; a fresh ${this.tickets.secPath} was written`);
    return closed;
  }

  /** rotate-identity: a new static key (old .sec files become useless) and every peer revoked. */
  async rotateIdentity(identity: X25519KeyPair, bootstrapKey: string): Promise<void> {
    await this.revoke(this.peers.list(), 'relay identity rotated', CloseCode.IDENTITY_ROTATED);
    this.identity = identity;
    const old = this.endpoint;
    this.endpoint = this.makeEndpoint();
    this.driver.attach(this.endpoint);
    void old;
    await this.tickets.reset(bootstrapKey, identity.publicKey.toString('base64'));
  }

  status(endpoints: string[]): RelayStatus {
    const now = monotonicNow();
    return {
      uptimeMs: Date.now() - this.startedAt,
      listen: `${this.cfg.ip}:${this.driver.address.port}`,
      endpoints,
      secFile: this.tickets.secPath,
      secExpiresAt: this.tickets.currentExpiresAt,
      llm: { address: `${this.cfg.llmIp}:${this.cfg.llmPort}`, reachable: this.link.up },
      clients: [...this.clients.values()].map((r) => {
        const s = r.session.status(now);
        return {
          sessionId: r.sessionId,
          device: r.peer.deviceName,
          fingerprint: r.peer.fingerprint,
          address: `${s.remote.address}:${s.remote.port}`,
          connectedForMs: Date.now() - r.connectedAt,
          keyAgeMs: Math.round(s.keyAgeMs),
          nextRekeyInMs: Math.round(s.nextRekeyInMs),
          rttMs: Math.round(s.connection.rttMs * 100) / 100,
        };
      }),
      peers: this.peers.list().map((p) => ({ device: p.deviceName, fingerprint: p.fingerprint, lastSeen: p.lastSeen })),
      drops: { ...this.endpoint.drops },
      handshakes: this.endpoint.handshakes,
    };
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const record of this.clients.values()) record.session.close(CloseCode.SHUTDOWN, 'relay shutting down');
    await this.driver?.close();
    await this.link.stop();
  }
}

/** The addresses clients should dial, in the order they go into the .sec. */
export function publicEndpoints(cfg: RelayConfig, port: number): { host: string; port: number }[] {
  if (cfg.publicHosts.length) return cfg.publicHosts.map((host) => ({ host, port }));
  if (cfg.ip !== '0.0.0.0' && cfg.ip !== '::') return [{ host: cfg.ip, port }];
  const found: { host: string; port: number }[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv6' && (cfg.ip !== '::' || a.address.startsWith('fe80'))) continue;
      if (isIP(a.address)) found.push({ host: a.address, port });
    }
  }
  found.sort((a, b) => (a.host.includes(':') ? 1 : 0) - (b.host.includes(':') ? 1 : 0));
  return found.length ? found.slice(0, 4) : [{ host: '127.0.0.1', port }];
}
