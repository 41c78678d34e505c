/**
 * The real ClientConnection: one UDP socket, an InitiatorEndpoint per handshake, HELLO/WELCOME, the
 * request tracker, pushes, status, and reconnection with the resumption credential.
 *
 * Life of a connection:
 *   connecting ──handshake + WELCOME──▶ connected ──silence / session closed──▶ reconnecting ──▶ connected
 *        │                                   │                                      │
 *        └── refused ticket, no answer ──────┴── revoked, replaced, gave up ────────┴──▶ closed
 *
 * A ticket (.sec) is used for the first handshake only; its 'established' event hands out the
 * resumption credential, which is stored once the relay has proved the session real (its first
 * message), and used for the next handshake. Every resumption handshake hands out a new credential in
 * the same way (the relay rotates it so its id, sent in clear, cannot link this device's sessions);
 * until the relay has spoken on the new session, the one used to connect stays the one to use. Before
 * each reconnect the stored credential is read again, since another program of this device may have
 * connected and saved a newer one. Requests open when a session is lost are resent under
 * their same ids once the new session has said HELLO (the LLM server replays, it does not re-run them).
 *
 * When HELLO is answered with LLM_UNREACHABLE (or times out) the relay is there but the LLM server is
 * not: the client counts as connected with the reason "Cannot reach LLM server", and says HELLO again
 * every HELLO_RETRY_MS, or at once when the LLM server answers anything, until a WELCOME arrives.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import {
  CATALOGUE_VERSION,
  CLIENT_PATTERN,
  CloseCode,
  CredentialKind,
  InitiatorEndpoint,
  decodeMessage,
  encodeMessage,
  newMessageId,
  streamClassFor,
  type EncodableMessage,
  type InitiatorEvent,
  type SecureSession,
  type SessionEvent,
  type SessionTimers,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';
import { generateX25519KeyPair, x25519, type X25519KeyPair } from '@clawchat/crypto';
import {
  CLIENT_NAME,
  COMPROMISE_CONFIRM_TIMEOUT_MS,
  MAX_SETUP_RETRIES,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  HELLO_RETRY_MS,
  PROBE_AFTER_MS,
  RECONNECT_AFTER_MS,
  WATCHDOG_INTERVAL_MS,
  WELCOME_TIMEOUT_MS,
} from './constants';
import { ConnectError, REVOKED_MESSAGE, ROTATED_MESSAGE, isIdentityRotation, ticketRefusalMessage, unreachableMessage, type ConnectErrorKind } from './connect-error';
import type { CredentialStore } from './credential-store';
import type { SecOutcome } from './sec-history';
import { RequestTracker, type TrackedRequest } from './request-tracker';
import { resolveRelayAddress, relayLabel, type RelayAddress } from './relay-address';
import { CONNECTION_LOST, errorCode, errorMessage, type ClientConnection, type ConnState, type ConnectionStatus, type Message, type RequestMessage } from './types';
import { watchdogAction } from './watchdog';

/**
 * What to present to the relay: a .sec ticket, or a stored resumption credential. A ticket may carry
 * the .sec file's digest and expiry, so the device remembers the file once the relay took or refused it.
 */
export type Credential =
  | { kind: 'ticket'; ticketId: Buffer; psk: Buffer; sec?: { digest: string; expiresAt: number } }
  | { kind: 'resumption'; resumptionId: Buffer; psk: Buffer };

export interface ConnectTarget {
  host: string;
  port: number;
  /** The relay's static X25519 public key (from the .sec or the stored credential). */
  relayPublicKey: Buffer;
  credential: Credential;
}

export interface RelayConnectionOptions {
  target: ConnectTarget;
  store: CredentialStore;
  deviceName?: string;
  handshakeTimeoutMs?: number;
  /** Lost sessions and failed handshakes in a row before giving up; Infinity (the TUI) keeps trying. */
  maxReconnectAttempts?: number;
  /** Debug log (CLAWCHAT_DEBUG); never receives secrets or message text. */
  log?: (line: string) => void;
  /** Test hooks: shorter session timers and silence thresholds. */
  sessionTimers?: Partial<SessionTimers>;
  reconnectAfterMs?: number;
  probeAfterMs?: number;
  watchdogIntervalMs?: number;
  helloRetryMs?: number;
}

interface WelcomeInfo {
  provider?: string;
  model?: string;
  offline?: boolean;
  llmUnreachable?: boolean;
}

const isZero = (b: Buffer) => b.every((x) => x === 0);

export class RelayConnection implements ClientConnection {
  private readonly o: Required<
    Pick<RelayConnectionOptions, 'handshakeTimeoutMs' | 'maxReconnectAttempts' | 'reconnectAfterMs' | 'probeAfterMs' | 'watchdogIntervalMs' | 'helloRetryMs'>
  > &
    RelayConnectionOptions;
  private readonly events = new EventEmitter();
  private readonly tracker = new RequestTracker();
  private readonly payloads = new Map<string, Buffer>();
  private driver!: UdpDriver;
  private remote!: RelayAddress;
  private deviceKey!: X25519KeyPair;
  private credential: Credential;
  private endpoint: InitiatorEndpoint | undefined;
  private session: SecureSession | undefined;
  private state: ConnState = 'connecting';
  private reason: string | undefined;
  private welcome: WelcomeInfo = {};
  private current: ConnectionStatus;
  private helloId: string | undefined;
  /** When the current HELLO went out (monotonic ms). */
  private helloSentAt = 0;
  private welcomeTimer: NodeJS.Timeout | undefined;
  /** Next HELLO while the LLM server is unreachable. */
  private helloRetryTimer: NodeJS.Timeout | undefined;
  /** When the client last sent something that asks for an answer (monotonic ms), for the watchdog. */
  private lastSentAt = 0;
  /** Resumption credential handed out by the last handshake, stored once the session proves real. */
  private offered: { id: Buffer; psk: Buffer } | undefined;
  /**
   * The resumption id (base64url) this program last saved to the credential store or read from it. A
   * different one in the store was saved since by another program of this device, so it is the newer
   * one (the relay rotates only the newest credential, one handshake at a time), and a reconnect uses
   * it. Compared by id, not by time: wall clocks step.
   */
  private knownStoredId: string | undefined;
  /** A reconnect is waiting for the stored credential to be read. */
  private handshakeQueued = false;
  private attempts = 0;
  private everConnected = false;
  private watchdog: NodeJS.Timeout | undefined;
  private firstConnect: { resolve: () => void; reject: (err: ConnectError) => void } | undefined;
  private reportedRtt: number | undefined;
  /** The resumption credential being written; close() waits for it so a short run still keeps it. */
  private storing: Promise<void> | undefined;
  /**
   * Other writes to the state dir (erasing a revoked credential, the .sec history): close() and a
   * failed first connect wait for them, since the process exits right after.
   */
  private readonly writes = new Set<Promise<void>>();

  private constructor(o: RelayConnectionOptions) {
    this.o = {
      ...o,
      handshakeTimeoutMs: o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      maxReconnectAttempts: o.maxReconnectAttempts ?? Number.POSITIVE_INFINITY,
      reconnectAfterMs: o.reconnectAfterMs ?? RECONNECT_AFTER_MS,
      probeAfterMs: o.probeAfterMs ?? PROBE_AFTER_MS,
      watchdogIntervalMs: o.watchdogIntervalMs ?? WATCHDOG_INTERVAL_MS,
      helloRetryMs: o.helloRetryMs ?? HELLO_RETRY_MS,
    };
    this.credential = o.target.credential;
    this.knownStoredId = o.target.credential.kind === 'resumption' ? o.target.credential.resumptionId.toString('base64url') : undefined;
    this.current = { state: 'connecting', relay: relayLabel(o.target.host, o.target.port) };
    this.events.setMaxListeners(100);
  }

  /**
   * Connects and says HELLO; resolves once WELCOME (or the relay's LLM_UNREACHABLE) arrived. Rejects
   * with a ConnectError whose message is the one line to show.
   */
  static async connect(o: RelayConnectionOptions): Promise<RelayConnection> {
    const conn = new RelayConnection(o);
    await conn.start();
    return conn;
  }

  private async start(): Promise<void> {
    try {
      // The initiation does DH with this key; a bad one would otherwise throw deep inside the socket loop.
      x25519(generateX25519KeyPair().privateKey, this.o.target.relayPublicKey);
    } catch {
      throw new ConnectError('SEC_FILE', 'the relay public key in the .sec or stored credential is not a usable X25519 key — have the relay issue a new .sec');
    }
    this.deviceKey = await this.o.store.deviceKey();
    this.remote = await resolveRelayAddress(this.o.target.host, this.o.target.port);
    this.driver = await UdpDriver.bind({ host: this.remote.bindHost, port: 0, onActivity: () => this.onActivity() });
    const connected = new Promise<void>((resolve, reject) => {
      this.firstConnect = { resolve, reject };
    });
    this.watchdog = setInterval(() => this.onWatchdog(), this.o.watchdogIntervalMs);
    this.watchdog.unref();
    this.startHandshake();
    try {
      await connected;
    } catch (err) {
      await this.shutdownDriver();
      await this.settleWrites();
      throw err;
    }
  }

  /** A best-effort write to the state dir, waited for before the connection reports it is over. */
  private track(what: string, write: () => Promise<void>): void {
    const p = write().catch((err: unknown) => this.log(`cannot ${what}: ${errorMessage(err)}`));
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }

  private async settleWrites(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  /** Remembers what became of the .sec this connection's ticket came from (nothing for a bare ticket). */
  private rememberTicket(outcome: SecOutcome): void {
    const c = this.credential;
    if (c.kind !== 'ticket' || !c.sec) return;
    const record = {
      digest: c.sec.digest,
      ticketId: c.ticketId.toString('base64url'),
      relayPublicKey: this.o.target.relayPublicKey.toString('base64'),
      outcome,
      at: Date.now(),
      expiresAt: c.sec.expiresAt,
    };
    this.track('remember the .sec', () => this.o.store.rememberSec(record));
  }

  /** A method, not a field read, so TypeScript does not narrow it across calls that change it. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  // ------------------------------------------------------------------ handshakes

  private startHandshake(): void {
    const c = this.credential;
    this.log(`handshake with ${this.current.relay} using a ${c.kind} credential`);
    this.endpoint = new InitiatorEndpoint({
      pattern: CLIENT_PATTERN,
      remote: { address: this.remote.address, port: this.remote.port },
      identity: this.o.target.relayPublicKey,
      remoteStatic: this.o.target.relayPublicKey,
      localStatic: this.deviceKey,
      kind: c.kind === 'ticket' ? CredentialKind.TICKET : CredentialKind.RESUMPTION,
      credentialId: c.kind === 'ticket' ? c.ticketId : c.resumptionId,
      psk: c.psk,
      deviceName: this.o.deviceName ?? hostname(),
      now: monotonicNow(),
      handshakeTimeoutMs: this.o.handshakeTimeoutMs,
      session: this.o.sessionTimers ? { timers: this.o.sessionTimers } : undefined,
    });
    this.driver.attach(this.endpoint);
  }

  private onActivity(): void {
    const endpoint = this.endpoint;
    if (!endpoint || this.state === 'closed') return;
    for (const event of endpoint.drainEvents()) {
      // A handler may have replaced the endpoint (reconnect) or closed us: the rest belongs to the old one.
      if (this.endpoint !== endpoint || this.isClosed()) return;
      this.onEndpointEvent(event);
    }
  }

  private onEndpointEvent(event: InitiatorEvent): void {
    switch (event.kind) {
      case 'established':
        this.onEstablished(event.session, event.resumptionId, event.resumptionPsk, event.rttMs);
        return;
      case 'failed':
        this.onHandshakeFailed();
        return;
      case 'sessionEvent':
        this.onSessionEvent(event.event);
        return;
    }
  }

  private onEstablished(session: SecureSession, resumptionId: Buffer, resumptionPsk: Buffer, rttMs: number): void {
    this.log(`handshake done in ${rttMs.toFixed(1)} ms`);
    this.session = session;
    const fresh = !isZero(resumptionId) && !(this.credential.kind === 'resumption' && this.credential.resumptionId.equals(resumptionId));
    this.offered = fresh ? { id: Buffer.from(resumptionId), psk: Buffer.from(resumptionPsk) } : undefined;
    this.sayHello();
  }

  private onHandshakeFailed(): void {
    const resuming = this.credential.kind === 'resumption';
    this.log(`no answer to the handshake within ${this.o.handshakeTimeoutMs} ms`);
    if (!this.everConnected) {
      this.fail('UNREACHABLE', unreachableMessage(this.current.relay, resuming));
      return;
    }
    this.attempts++;
    if (this.attempts >= this.o.maxReconnectAttempts) {
      this.fail('UNREACHABLE', unreachableMessage(this.current.relay, resuming));
      return;
    }
    this.nextHandshake();
  }

  /**
   * The handshake after a lost session or a failed attempt, with the newest credential this device
   * holds: the relay rotates it on every connect and keeps only the last few valid, so the one in
   * memory may be stale when another program of this device (a headless command beside the TUI) has
   * connected since and saved its own.
   */
  private nextHandshake(): void {
    this.endpoint = undefined; // late events of the old one are not ours any more
    if (this.handshakeQueued) return;
    this.handshakeQueued = true;
    void this.adoptNewerStored().then(() => {
      this.handshakeQueued = false;
      if (!this.isClosed()) this.startHandshake();
    });
  }

  private async adoptNewerStored(): Promise<void> {
    await this.storing; // our own save lands first, so the comparison below sees it
    if (this.credential.kind !== 'resumption') return;
    try {
      const stored = await this.o.store.relayFor(this.o.target.relayPublicKey.toString('base64'));
      if (!stored || stored.resumptionId === this.knownStoredId) return;
      this.knownStoredId = stored.resumptionId;
      if (stored.resumptionId === this.credential.resumptionId.toString('base64url')) return;
      this.credential = { kind: 'resumption', resumptionId: Buffer.from(stored.resumptionId, 'base64url'), psk: Buffer.from(stored.resumptionPsk, 'base64') };
      this.log('using the newer credential another program of this device stored');
    } catch (err) {
      this.log(`cannot read the stored credential (${errorMessage(err)}); using the one in memory`);
    }
  }

  // ------------------------------------------------------------------ HELLO / WELCOME

  private sayHello(): void {
    const id = newMessageId();
    this.helloId = id;
    this.helloSentAt = monotonicNow();
    const hello: RequestMessage = { type: 'HELLO', id, version: CATALOGUE_VERSION, client: CLIENT_NAME, capabilities: [], device: this.o.deviceName ?? hostname() };
    const { request, done } = this.tracker.add({ ...hello, id });
    this.sendNow(request, encodeMessage(hello as unknown as EncodableMessage));
    if (this.welcomeTimer) clearTimeout(this.welcomeTimer);
    this.welcomeTimer = setTimeout(() => this.tracker.fail(id, 'TIMEOUT', 'the LLM server did not answer HELLO'), WELCOME_TIMEOUT_MS);
    this.welcomeTimer.unref();
    done.then(
      (welcome) => this.onWelcome(id, welcome),
      (err: unknown) => this.onHelloFailed(id, err),
    );
  }

  private onWelcome(id: string, w: Message): void {
    if (id !== this.helloId || this.state === 'closed') return;
    clearTimeout(this.welcomeTimer);
    clearTimeout(this.helloRetryTimer);
    const versions = Array.isArray(w.versions) ? w.versions.filter((v): v is number => typeof v === 'number') : [];
    if (!versions.includes(CATALOGUE_VERSION)) {
      const newest = Math.max(0, ...versions);
      const upgrade = newest > CATALOGUE_VERSION ? 'upgrade this client' : 'upgrade the LLM server';
      this.fail('VERSION', `the LLM server speaks message catalogue version ${versions.join(', ') || 'none'}, this client speaks ${CATALOGUE_VERSION} — ${upgrade}`);
      return;
    }
    this.welcome = {
      provider: typeof w.provider === 'string' ? w.provider : undefined,
      model: typeof w.model === 'string' ? w.model : undefined,
      offline: w.offline === true,
    };
    this.becomeConnected();
  }

  private onHelloFailed(id: string, err: unknown): void {
    if (id !== this.helloId || this.state === 'closed') return;
    clearTimeout(this.welcomeTimer);
    const code = errorCode(err);
    if (code === CONNECTION_LOST) return; // the session went away; the reconnect says HELLO again
    if (code === 'LLM_UNREACHABLE' || code === 'TIMEOUT') {
      // The relay is there; the LLM server is not (yet). Chat shows the error per request; HELLO is
      // repeated so the status recovers once the LLM server is back.
      this.welcome = { ...this.welcome, llmUnreachable: true };
      if (this.state !== 'connected') this.becomeConnected(); // a failed retry changes nothing on screen
      this.scheduleHelloRetry();
      return;
    }
    this.fail('CLOSED', `the LLM server refused this client: ${errorMessage(err)}`);
  }

  private scheduleHelloRetry(): void {
    clearTimeout(this.helloRetryTimer);
    this.helloRetryTimer = setTimeout(() => this.retryHello(), this.o.helloRetryMs);
    this.helloRetryTimer.unref();
  }

  /**
   * Says HELLO again while the LLM server is unreachable. One HELLO in flight at a time: a newer one
   * replaces it only once it is HELLO_RETRY_MS old (the relay may hold it up to its LLM timeout), so a
   * burst of answers from the LLM server cannot turn into a burst of HELLOs.
   */
  private retryHello(): void {
    if (this.state !== 'connected' || !this.welcome.llmUnreachable || !this.session || this.session.isClosed) return;
    const previous = this.helloId;
    const inFlight = previous !== undefined && this.tracker.has(previous);
    if (inFlight && monotonicNow() - this.helloSentAt < this.o.helloRetryMs) return;
    this.log('the LLM server was unreachable: saying HELLO again');
    this.sayHello();
    if (inFlight) this.tracker.fail(previous, 'SUPERSEDED', 'replaced by a newer HELLO'); // ignored: no longer this.helloId
  }

  private becomeConnected(): void {
    this.state = 'connected';
    this.reason = this.welcome.llmUnreachable ? 'Cannot reach LLM server' : undefined;
    this.attempts = 0;
    this.everConnected = true;
    for (const r of this.tracker.unsent()) this.sendNow(r);
    this.emitStatus();
    const first = this.firstConnect;
    this.firstConnect = undefined;
    first?.resolve();
  }

  // ------------------------------------------------------------------ session events

  private onSessionEvent(event: SessionEvent): void {
    switch (event.kind) {
      case 'message':
        this.onMessage(event.data);
        return;
      case 'closed':
        this.onSessionClosed(event.code, event.reason);
        return;
      case 'rekeyed':
        this.log('session keys rotated');
        this.emitStatus();
        return;
      default:
        return;
    }
  }

  private onMessage(data: Buffer): void {
    // The relay sent an authenticated message: the session is real, so the credential it handed out is good.
    if (this.offered) this.storing = this.storeOffered(this.offered);
    let msg: Message;
    try {
      msg = decodeMessage(data) as unknown as Message;
    } catch (err) {
      this.log(`dropped an undecodable message: ${errorMessage(err)}`);
      return;
    }
    const disposition = this.tracker.handle(msg);
    // A request the relay could not deliver: the LLM server went away (it may come back another one,
    // with another provider). Say so in the status line and greet it again once it answers, so the
    // provider and model shown are the ones that will answer.
    if (msg.type === 'ERROR' && msg.code === 'LLM_UNREACHABLE' && this.state === 'connected' && !this.welcome.llmUnreachable) {
      this.welcome = { ...this.welcome, llmUnreachable: true };
      this.becomeConnected();
      this.scheduleHelloRetry();
    }
    // Anything but an ERROR that is not HELLO's own answer comes from the LLM server: it is back.
    if (this.welcome.llmUnreachable && disposition !== 'stray' && msg.type !== 'ERROR' && msg.type !== 'COMPROMISED' && (msg.re === undefined || msg.re !== this.helloId)) {
      this.retryHello();
    }
    if (disposition !== 'push') return;
    if (msg.type === 'COMPROMISED') {
      this.emitPush(msg);
      this.onRevoked(isIdentityRotation(msg.reason));
      return;
    }
    this.emitPush(msg);
  }

  /**
   * The relay has written this credential to disk before sending anything on the session, so it is
   * good from now on. Saved atomically (fsync, rename) under the store's cross-process lock; until the
   * save lands (or if it never does: a crash) the file keeps the credential used to connect, which the
   * relay still accepts.
   */
  private async storeOffered(offered: { id: Buffer; psk: Buffer }): Promise<void> {
    this.offered = undefined;
    // The relay took the ticket (it spoke in the session it admitted): the .sec is spent, by this device.
    this.rememberTicket('used');
    this.credential = { kind: 'resumption', resumptionId: offered.id, psk: offered.psk };
    const savedAt = Date.now();
    this.knownStoredId = offered.id.toString('base64url');
    try {
      await this.o.store.saveRelay({
        host: this.o.target.host,
        port: this.o.target.port,
        relayPublicKey: this.o.target.relayPublicKey.toString('base64'),
        resumptionId: offered.id.toString('base64url'),
        resumptionPsk: offered.psk.toString('base64'),
        savedAt,
      });
      this.log(`stored the resumption credential in ${this.o.store.file}`);
    } catch (err) {
      // Not fatal for this session; the next start will need a .sec again.
      this.log(`cannot store the resumption credential: ${errorMessage(err)}`);
    }
  }

  private onSessionClosed(code: number, reason: string): void {
    this.log(`session closed (code ${code}${reason ? `: ${reason}` : ''})`);
    if (this.state === 'closed') return;
    const refusal = this.credential.kind === 'ticket' ? ticketRefusalMessage(code) : undefined;
    if (refusal) {
      this.rememberTicket(code === CloseCode.TICKET_EXPIRED ? 'expired' : code === CloseCode.TICKET_USED ? 'used-elsewhere' : 'revoked');
      return this.fail('TICKET', refusal);
    }
    if (code === CloseCode.REVOKED) return this.onRevoked();
    if (code === CloseCode.IDENTITY_ROTATED) return this.onRevoked(true);
    if (code === CloseCode.UNAVAILABLE) {
      // The relay recorded nothing: the credential offered in this handshake is void, ours still good.
      this.offered = undefined;
      if (this.credential.kind === 'ticket') {
        return this.fail('CLOSED', `the relay could not take this device right now (${reason || 'no reason given'}); the .sec was not used up — try it again later`);
      }
      return this.lostSession(reason || 'the relay could not take the session right now');
    }
    if (code === CloseCode.REPLACED) {
      return this.fail('CLOSED', `the relay replaced this session${reason ? ` (${reason})` : ''} — start clawchat again to reconnect`);
    }
    this.lostSession(reason || 'the relay closed the session');
  }

  /** `rotated`: the relay's identity was rotated (its COMPROMISED notice said so), not just this device revoked. */
  private onRevoked(rotated = false): void {
    if (this.state === 'closed') return;
    this.track('erase the stored credential', () => this.eraseStored());
    if (rotated) {
      // Its .sec files (any still lying around) can no longer connect: say so before dialling them.
      const key = this.o.target.relayPublicKey.toString('base64');
      this.track('remember the retired relay key', () => this.o.store.rememberRetiredRelay(key));
    }
    this.fail('REVOKED', rotated ? ROTATED_MESSAGE : REVOKED_MESSAGE);
  }

  /** Erases the stored credential after any save in flight, which would otherwise write it back. */
  private async eraseStored(): Promise<void> {
    await this.storing;
    await this.o.store.erase();
  }

  /** The session is gone but the relay may be back: handshake again with the resumption credential. */
  private lostSession(reason: string): void {
    if (this.state === 'closed') return;
    if (this.credential.kind === 'ticket' && !this.offered) {
      // The ticket is spent the moment the relay saw our first packet, and no credential replaced it.
      this.fail('CLOSED', `the relay closed the session before it was set up (${reason}) — try again with a new .sec`);
      return;
    }
    if (this.offered) {
      // Handed out but never proven: the relay may not have confirmed the session (our first packets
      // lost, or it crashed before saving the credential), and then does not know it. After a ticket
      // there is nothing else to try (the ticket may be spent). After a resumption the credential we
      // connected with stays valid whatever happened (the relay keeps a used one), so keep using it.
      if (this.credential.kind === 'ticket') {
        this.credential = { kind: 'resumption', resumptionId: this.offered.id, psk: this.offered.psk };
      }
      this.offered = undefined;
    }
    // Sessions that die before WELCOME, again and again, are a refusal in all but name: give up.
    this.attempts++;
    if (this.attempts >= this.o.maxReconnectAttempts || (!this.everConnected && this.attempts > MAX_SETUP_RETRIES)) {
      this.fail('CLOSED', `the relay keeps closing the session (${reason}) — check the relay's log, or load a new .sec`);
      return;
    }
    this.log(`reconnecting: ${reason}`);
    clearTimeout(this.helloRetryTimer); // the new session says HELLO anyway
    if (this.helloId) this.tracker.fail(this.helloId, CONNECTION_LOST, reason);
    this.helloId = undefined;
    this.tracker.markAllUnsent();
    this.session?.destroy();
    this.session = undefined;
    if (this.everConnected) {
      this.state = 'reconnecting';
      this.reason = reason;
      this.emitStatus();
    }
    this.nextHandshake();
  }

  // ------------------------------------------------------------------ watchdog and status

  private onWatchdog(): void {
    const session = this.session;
    if (!session || session.isClosed || this.state === 'closed') return;
    const now = monotonicNow();
    const status = session.status(now);
    const action = watchdogAction({
      lastReceivedAgoMs: status.lastReceivedAgoMs,
      lastSentAgoMs: now - this.lastSentAt,
      probeAfterMs: this.o.probeAfterMs,
      reconnectAfterMs: this.o.reconnectAfterMs,
    });
    if (action === 'probe') {
      session.connection.ping();
      this.lastSentAt = now;
      this.driver.kick();
    } else if (action === 'reconnect') {
      this.lostSession(`no answer from the relay for ${Math.round(status.lastReceivedAgoMs / 1000)} s`);
      return;
    }
    const rtt = status.connection.rttMs;
    if (this.state === 'connected' && (this.reportedRtt === undefined || Math.round(rtt) !== Math.round(this.reportedRtt))) this.emitStatus();
  }

  private snapshot(): ConnectionStatus {
    const s: ConnectionStatus = { state: this.state, relay: this.current.relay };
    const session = this.session;
    if (session && !session.isClosed) {
      const st = session.status(monotonicNow());
      s.rttMs = st.connection.rttMs;
      s.keyAgeMs = st.keyAgeMs;
      s.nextRotationMs = st.nextRekeyInMs;
    }
    if (this.welcome.provider) s.provider = this.welcome.provider;
    if (this.welcome.model) s.model = this.welcome.model;
    if (this.welcome.offline) s.offline = true;
    if (this.reason) s.reason = this.reason;
    return s;
  }

  private emitStatus(): void {
    this.current = this.snapshot();
    this.reportedRtt = this.current.rttMs;
    this.events.emit('status', this.current);
  }

  private emitPush(msg: Message): void {
    for (const listener of this.events.listeners('push') as ((m: Message) => void)[]) {
      try {
        listener(msg);
      } catch (err) {
        this.log(`a push listener failed: ${errorMessage(err)}`);
      }
    }
  }

  // ------------------------------------------------------------------ ending

  /** Ends the connection for good with a one-line reason (and fails the first connect with it). */
  private fail(kind: ConnectErrorKind, message: string): void {
    if (this.state === 'closed') return;
    this.log(`connection over: ${message}`);
    this.state = 'closed';
    this.reason = message;
    clearTimeout(this.welcomeTimer);
    clearTimeout(this.helloRetryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.tracker.failAll(CONNECTION_LOST, message);
    this.emitStatus();
    const first = this.firstConnect;
    this.firstConnect = undefined;
    if (first) first.reject(new ConnectError(kind, message));
    else void this.shutdownDriver();
  }

  private async shutdownDriver(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    clearTimeout(this.welcomeTimer);
    clearTimeout(this.helloRetryTimer);
    await this.driver?.close();
  }

  // ------------------------------------------------------------------ ClientConnection

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(cb: (status: ConnectionStatus) => void): () => void {
    this.events.on('status', cb);
    return () => this.events.off('status', cb);
  }

  onPush(cb: (msg: Message) => void): () => void {
    this.events.on('push', cb);
    return () => this.events.off('push', cb);
  }

  nextId(): string {
    return newMessageId();
  }

  request(msg: RequestMessage, onPiece?: (piece: Message) => void): Promise<Message> {
    if (this.state === 'closed') return Promise.reject(Object.assign(new Error(this.reason ?? 'the connection is closed'), { code: CONNECTION_LOST }));
    const full = { ...msg, id: msg.id ?? this.nextId() };
    let payload: Buffer;
    try {
      payload = encodeMessage(full as unknown as EncodableMessage);
    } catch (err) {
      return Promise.reject(Object.assign(new Error(`cannot send ${msg.type}: ${errorMessage(err)}`), { code: 'BAD_REQUEST' }));
    }
    let added;
    try {
      added = this.tracker.add(full, onPiece);
    } catch (err) {
      return Promise.reject(err);
    }
    this.payloads.set(full.id, payload);
    const forget = () => this.payloads.delete(full.id);
    added.done.then(forget, forget);
    if (this.state === 'connected') this.sendNow(added.request, payload);
    return added.done;
  }

  private sendNow(request: TrackedRequest, payload?: Buffer): void {
    const session = this.session;
    const bytes = payload ?? this.payloads.get(request.msg.id) ?? encodeMessage(request.msg as unknown as EncodableMessage);
    if (!session || session.isClosed) return;
    session.send(streamClassFor(request.msg.type), bytes);
    request.sent = true;
    this.lastSentAt = monotonicNow();
    // Out now rather than a loop turn later: a chat line should not wait behind the event loop.
    this.driver.flushSoon();
  }

  /**
   * `/compromised`: tells the relay to revoke this device. The stored credential is erased at once
   * (it is about to be worthless); resolves when the relay confirms by closing the session.
   */
  async reportCompromised(): Promise<void> {
    const session = this.session;
    if (this.state !== 'connected' || !session) throw Object.assign(new Error('not connected to the relay'), { code: CONNECTION_LOST });
    const closed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(Object.assign(new Error('the relay did not confirm the revocation; run `clawchat-relay revoke` on the relay host'), { code: 'TIMEOUT' }));
      }, COMPROMISE_CONFIRM_TIMEOUT_MS);
      const off = this.onStatus((s) => {
        if (s.state !== 'closed') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    session.send(streamClassFor('COMPROMISED'), encodeMessage({ type: 'COMPROMISED', reason: `reported by the user on ${this.o.deviceName ?? hostname()}` }));
    this.driver.kick();
    await this.eraseStored();
    await closed;
  }

  async close(): Promise<void> {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.reason = 'closed by the user';
      this.session?.close(CloseCode.NORMAL, 'client closing');
      this.tracker.failAll(CONNECTION_LOST, 'the connection was closed');
      this.emitStatus();
    }
    await this.shutdownDriver();
    await this.storing;
    await this.settleWrites();
  }
}
