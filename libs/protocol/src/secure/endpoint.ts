/**
 * The two ends of the secure transport as pure state machines (datagrams and time in, datagrams out):
 *
 * - `ResponderEndpoint` (the relay's public side, the LLM server's local side): demultiplexes by
 *   receiver index, answers handshake initiations (mac1 always, a cookie under load), keeps half-open
 *   handshakes bounded, and owns the index table of every session.
 * - `InitiatorEndpoint` (the client, and the relay's local link): sends initiations with backoff,
 *   accepts a cookie reply or the response, and then carries one session.
 *
 * Whether a credential is acceptable is not decided here: the responder asks its `ResponderPolicy`
 * (the relay checks tickets and known peers; the LLM server checks the local key).
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { NoiseError, X25519_KEY_LENGTH, generateX25519KeyPair, type HandshakeState, type KeyPair } from '@clawchat/crypto';
import {
  CREDENTIAL_ID_SIZE,
  CredentialKind,
  HANDSHAKES_PER_ADDRESS_PER_SECOND,
  HANDSHAKE_BURST_PER_ADDRESS,
  HANDSHAKE_RETRY_INITIAL_MS,
  HANDSHAKE_RETRY_MAX_MS,
  HALF_OPEN_LIFETIME_MS,
  HANDSHAKE_TIMEOUT_MS,
  MAC_SIZE,
  MAX_HALF_OPEN,
  MAX_EPHEMERALS_PER_TIMESTAMP,
  MAX_HALF_OPEN_PER_IDENTITY,
  MAX_HALF_OPEN_PER_SOURCE,
  MAX_RATE_BUCKETS,
  MAX_REMEMBERED_INITIATORS,
  MAX_SESSIONS,
  PacketType,
  UNDER_LOAD_HALF_OPEN,
  UNDER_LOAD_HANDSHAKES_PER_SECOND,
  UNDER_LOAD_HOLD_MS,
} from './constants';
import { CookieChecker, CookieGenerator, mac, mac1Key } from './cookie';
import {
  initNoiseSize,
  readInitiation,
  readResponse,
  respNoiseSize,
  writeInitiation,
  writeResponse,
  type HandshakePatternName,
} from './handshake';
import { setMostRecent } from './recent-map';
import { sourceKey } from './source-key';
import { SecureSession, addressKey, type Address, type Datagram, type SessionEvent, type SessionOptions } from './session';
import { buildCookieReply, nextTai64n, parseCookieReply, parseData, parseInit, parseResp, tai64n } from './wire';

/** What the responder learned about a peer from its initiation. */
export interface PeerHello {
  kind: number;
  credentialId: Buffer;
  remoteStatic: Buffer | null;
  deviceName: string;
  from: Address;
}

export interface ResponderPolicy {
  /** The PSK for a credential id (ticket, resumption id, or the local key); undefined drops it silently. */
  pskFor(kind: number, credentialId: Buffer, now: number): Buffer | undefined;
  /**
   * Message 1 authenticated: accept (returning the resumption id to hand out, zeros for none) or refuse.
   * Refusal is silent on the wire, like every other failure before authentication.
   */
  admit(hello: PeerHello, now: number): Admission | undefined;
  /**
   * The initiator sent its first data packet: the session is real (a ticket is consumed now, not at
   * admit: message 1 of IKpsk2 does not yet prove the PSK). Returning a refusal closes the session with
   * that reason instead (another device consumed the ticket first).
   */
  confirmed(session: SecureSession, hello: PeerHello, resumptionPsk: Buffer, now: number): { refuse: { code: number; reason: string } } | void;
}

/**
 * How the responder answers an authenticated initiation. `refuse` completes the handshake only to close
 * the session at once with an authenticated reason (expired or used ticket): the initiator proved it
 * holds the credential, so it may learn why it cannot use it; nobody else learns anything.
 */
export interface Admission {
  resumptionId: Buffer;
  refuse?: { code: number; reason: string };
}

export type DropReason =
  | 'malformed'
  | 'mac1'
  | 'cookie'
  | 'rateLimited'
  | 'credential'
  | 'handshake'
  | 'replayedInitiation'
  | 'refused'
  | 'unknownIndex'
  | 'session'
  | 'capacity'
  /** Not a packet: a half-open handshake dropped for a newer one (its source's or the table's oldest). */
  | 'halfOpenEvicted';

export type ResponderEvent =
  | { kind: 'session'; session: SecureSession; hello: PeerHello }
  | { kind: 'sessionEvent'; session: SecureSession; hello: PeerHello; event: SessionEvent };

export interface ResponderOptions {
  pattern: HandshakePatternName;
  /** Bytes mac1 is keyed with: the relay's static public key, or the local key. */
  identity: Buffer;
  localStatic?: KeyPair;
  policy: ResponderPolicy;
  now: number;
  session?: Partial<Pick<SessionOptions, 'timers' | 'connection'>>;
  /** Force cookie mode (tests, benchmarks); otherwise it follows the initiation rate. */
  alwaysUnderLoad?: boolean;
}

/** Allocates random 32-bit receiver indices, never reusing one still in use. */
export class IndexTable<T> {
  private readonly map = new Map<number, T>();

  allocate(owner: T): number {
    for (;;) {
      const index = randomInt(1, 0xffffffff);
      if (!this.map.has(index)) {
        this.map.set(index, owner);
        return index;
      }
    }
  }

  get(index: number): T | undefined {
    return this.map.get(index);
  }

  release(index: number): void {
    this.map.delete(index);
  }

  get size(): number {
    return this.map.size;
  }
}

interface Entry {
  session: SecureSession | undefined;
  refuse?: { code: number; reason: string };
  hello: PeerHello;
  resumptionPsk: Buffer;
  confirmed: boolean;
  createdAt: number;
  /** sourceKey of the initiation's address: the unit of the per-source half-open limit. */
  source: string;
  /**
   * The session's nextTimeout(), refreshed whenever the session is touched (its timers depend only on
   * its own state), so finding the endpoint's next wake-up does not ask a thousand idle sessions.
   */
  wake?: number;
}

export class ResponderEndpoint {
  private readonly o: ResponderOptions;
  private readonly cookies: CookieChecker;
  private readonly indices = new IndexTable<Entry>();
  private readonly entries = new Set<Entry>();
  /** The unconfirmed entries, oldest first (a Set keeps insertion order). */
  private readonly halfOpen = new Set<Entry>();
  /** Last accepted initiation timestamp per initiator identity, least recently seen first. */
  /** Per initiator identity: the newest initiation timestamp accepted, and the ephemeral keys accepted with it. */
  private readonly lastTimestamp = new Map<string, { timestamp: Buffer; ephemerals: string[] }>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly out: Datagram[] = [];
  private readonly events: ResponderEvent[] = [];
  private rateWindowStart = 0;
  private rateCount = 0;
  private underLoadUntil = 0;
  readonly drops: Record<DropReason, number> = {
    malformed: 0,
    mac1: 0,
    cookie: 0,
    rateLimited: 0,
    credential: 0,
    handshake: 0,
    replayedInitiation: 0,
    refused: 0,
    unknownIndex: 0,
    session: 0,
    capacity: 0,
    halfOpenEvicted: 0,
  };
  handshakes = 0;

  constructor(o: ResponderOptions) {
    this.o = o;
    this.cookies = new CookieChecker(o.identity, o.now);
  }

  /** Handshakes answered and not yet confirmed by their first data packet. */
  get halfOpenCount(): number {
    return this.halfOpen.size;
  }

  get sessionCount(): number {
    let n = 0;
    for (const e of this.entries) if (e.confirmed && !e.refuse) n++;
    return n;
  }

  sessions(): { session: SecureSession; hello: PeerHello }[] {
    return [...this.entries].filter((e) => e.confirmed && e.session && !e.refuse).map((e) => ({ session: e.session as SecureSession, hello: e.hello }));
  }

  isUnderLoad(now: number): boolean {
    return this.o.alwaysUnderLoad === true || now < this.underLoadUntil;
  }

  /** One datagram from the network. Never throws; anything unacceptable is counted and dropped. */
  receive(data: Buffer, from: Address, now: number): void {
    if (data.length < 4) {
      this.drops.malformed++;
      return;
    }
    switch (data[0]) {
      case PacketType.HANDSHAKE_INIT:
        this.onInitiation(data, from, now);
        return;
      case PacketType.DATA: {
        const header = parseData(data);
        const entry = header && this.indices.get(header.receiverIndex);
        if (!header || !entry || !entry.session) {
          this.drops[header ? 'unknownIndex' : 'malformed']++;
          return;
        }
        if (!entry.session.receive(header, from, now)) {
          this.drops.session++;
          return;
        }
        if (!entry.confirmed) this.confirm(entry, now);
        this.collect(entry, now, entry.session.hasOutputDue());
        return;
      }
      default:
        this.drops.malformed++;
    }
  }

  private onInitiation(data: Buffer, from: Address, now: number): void {
    const init = parseInit(data, initNoiseSize(this.o.pattern));
    if (!init) {
      this.drops.malformed++;
      return;
    }
    if (!this.cookies.checkMac1(init.beforeMac1, init.mac1)) {
      this.drops.mac1++;
      return;
    }
    const cookieSource = addressKey(from);
    if (this.halfOpen.size >= UNDER_LOAD_HALF_OPEN) this.underLoadUntil = now + UNDER_LOAD_HOLD_MS;
    const cookieOk = () => this.cookies.checkMac2(init.beforeMac2, init.mac2, cookieSource, now);
    // Under load, a retry carrying our cookie is not counted again: its first attempt was, and it comes
    // from a proven address that the per-source bucket below limits. Counting both would make every
    // handshake cost two and keep a busy relay under load at half the threshold.
    const provenRetry = this.isUnderLoad(now) && cookieOk();
    if (!provenRetry) this.countInitiation(now);
    // A source already holding its share of half-open handshakes may replace its oldest only from a
    // proven address: otherwise anyone could spoof a device's address (or its NAT's) and keep pushing
    // the device's own handshakes out before they are confirmed.
    const source = sourceKey(from.address);
    const sourceFull = this.halfOpenFrom(source) >= MAX_HALF_OPEN_PER_SOURCE;
    if (this.isUnderLoad(now) || sourceFull) {
      if (!provenRetry && !cookieOk()) {
        // The reply (52 bytes) is smaller than the initiation: no amplification.
        const { nonce, sealed } = this.cookies.makeReply(init.mac1, cookieSource, now);
        this.out.push({ to: from, data: buildCookieReply(init.senderIndex, nonce, sealed) });
        this.drops.cookie++;
        return;
      }
      if (!this.takeToken(source, now)) {
        this.drops.rateLimited++;
        return;
      }
    }
    const psk = this.o.policy.pskFor(init.kind, Buffer.from(init.credentialId), now);
    if (!psk) {
      this.drops.credential++;
      return;
    }
    let read;
    try {
      read = readInitiation(this.o.pattern, init, psk, this.o.localStatic);
    } catch {
      this.drops.handshake++;
      return;
    }
    // Replay protection: the timestamp must grow for each initiator identity. Not on the local link:
    // its one initiator (the relay) restarting after the host's clock stepped back would be locked out
    // until the clock caught up, and replaying loopback traffic needs root on the host already.
    // Several programs of one device (the TUI, scripts) share its key and may dial within one whitened
    // timestamp granule: an equal timestamp is accepted with a new ephemeral key, never with one seen
    // before (a replay repeats the whole message, ephemeral included; a new one needs the device's keys).
    const who = identityOf(init.credentialId, read.remoteStatic);
    const ephemeral = init.noise.subarray(0, X25519_KEY_LENGTH).toString('hex'); // the `e` token leads every pattern
    const last = init.kind === CredentialKind.LOCAL ? undefined : this.lastTimestamp.get(who);
    const order = last ? Buffer.compare(read.timestamp, last.timestamp) : 1;
    if (last && (order < 0 || (order === 0 && last.ephemerals.includes(ephemeral)))) {
      this.drops.replayedInitiation++;
      return;
    }
    const hello: PeerHello = {
      kind: init.kind,
      credentialId: Buffer.from(init.credentialId),
      remoteStatic: read.remoteStatic ? Buffer.from(read.remoteStatic) : null,
      deviceName: read.deviceName,
      from,
    };
    const admitted = this.o.policy.admit(hello, now);
    if (!admitted) {
      this.drops.refused++;
      return;
    }
    if (this.entries.size - this.halfOpen.size >= MAX_SESSIONS) {
      this.drops.capacity++;
      return;
    }
    this.rememberTimestamp(who, read.timestamp, ephemeral);
    this.dropHalfOpen(who, now);
    // Full: the oldest half-open handshake makes room. A genuine one is confirmed one round trip after
    // it began, so a flood must replace the whole table within that round trip to starve it; refusing
    // the newest instead would let a slow flood hold every slot for the whole half-open lifetime.
    this.evictOldestHalfOpen((e) => e.source === source, MAX_HALF_OPEN_PER_SOURCE);
    this.evictOldestHalfOpen(() => true, MAX_HALF_OPEN);
    const entry: Entry = {
      session: undefined,
      refuse: admitted.refuse,
      hello,
      resumptionPsk: Buffer.alloc(0),
      confirmed: false,
      createdAt: now,
      source,
    };
    const localIndex = this.indices.allocate(entry);
    const { body, result } = writeResponse(read, localIndex, init.senderIndex, admitted.resumptionId);
    entry.resumptionPsk = result.resumptionPsk;
    entry.session = new SecureSession({
      role: 'responder',
      keys: result,
      localIndex,
      remoteIndex: init.senderIndex,
      remote: from,
      now,
      allocateIndex: () => this.indices.allocate(entry),
      releaseIndex: (i) => this.indices.release(i),
      ...this.o.session,
    });
    this.entries.add(entry);
    this.halfOpen.add(entry);
    this.handshakes++;
    this.out.push({ to: from, data: sealResponse(body, read.remoteStatic ?? this.o.identity) });
  }

  private countInitiation(now: number): void {
    if (now - this.rateWindowStart >= 1000) {
      this.rateWindowStart = now;
      this.rateCount = 0;
    }
    this.rateCount++;
    if (this.rateCount > UNDER_LOAD_HANDSHAKES_PER_SECOND) this.underLoadUntil = now + UNDER_LOAD_HOLD_MS;
  }

  private takeToken(source: string, now: number): boolean {
    const b = this.buckets.get(source) ?? { tokens: HANDSHAKE_BURST_PER_ADDRESS, at: now };
    b.tokens = Math.min(HANDSHAKE_BURST_PER_ADDRESS, b.tokens + ((now - b.at) / 1000) * HANDSHAKES_PER_ADDRESS_PER_SECOND);
    b.at = now;
    setMostRecent(this.buckets, source, b, MAX_RATE_BUCKETS);
    if (b.tokens < 1) return false;
    b.tokens--;
    return true;
  }

  private rememberTimestamp(who: string, timestamp: Buffer, ephemeral: string): void {
    const last = this.lastTimestamp.get(who);
    const same = last !== undefined && Buffer.compare(timestamp, last.timestamp) === 0;
    const ephemerals = same ? [...last.ephemerals, ephemeral].slice(-MAX_EPHEMERALS_PER_TIMESTAMP) : [ephemeral];
    setMostRecent(this.lastTimestamp, who, { timestamp, ephemerals }, MAX_REMEMBERED_INITIATORS);
  }

  /**
   * Expired half-open handshakes go; so does an identity's oldest beyond MAX_HALF_OPEN_PER_IDENTITY (a
   * re-dial replaces the attempt it gave up on). Not every earlier one: programs of one device dialling
   * together would otherwise cancel each other's handshakes before they are confirmed.
   */
  private dropHalfOpen(who: string, now: number): void {
    const mine: Entry[] = [];
    for (const e of this.halfOpen) {
      if (now - e.createdAt > HALF_OPEN_LIFETIME_MS) this.forget(e);
      else if (identityOf(e.hello.credentialId, e.hello.remoteStatic) === who) mine.push(e);
    }
    // The set keeps insertion order: oldest first. Room is left for the one being admitted.
    for (let i = 0; i <= mine.length - MAX_HALF_OPEN_PER_IDENTITY; i++) this.forget(mine[i]);
  }

  private halfOpenFrom(source: string): number {
    let n = 0;
    for (const e of this.halfOpen) if (e.source === source) n++;
    return n;
  }

  /** Forgets the oldest half-open entries matching `which` until fewer than `limit` remain. */
  private evictOldestHalfOpen(which: (e: Entry) => boolean, limit: number): void {
    const matching = [...this.halfOpen].filter(which);
    for (let i = 0; i <= matching.length - limit; i++) {
      this.forget(matching[i]);
      this.drops.halfOpenEvicted++;
    }
  }

  private confirm(entry: Entry, now: number): void {
    entry.confirmed = true;
    this.halfOpen.delete(entry);
    const session = entry.session as SecureSession;
    if (!entry.refuse) {
      const verdict = this.o.policy.confirmed(session, entry.hello, entry.resumptionPsk, now);
      if (verdict) entry.refuse = verdict.refuse;
    }
    entry.resumptionPsk.fill(0);
    if (entry.refuse) {
      session.close(entry.refuse.code, entry.refuse.reason);
      return;
    }
    this.events.push({ kind: 'session', session, hello: entry.hello });
  }

  /**
   * Hands out the session's events and, unless `flush` is false, its datagrams. A data packet that
   * makes nothing due (most of a bulk transfer: 7 of every 8 packets wait for a delayed ACK) leaves
   * the session dirty for the endpoint's flush at the end of the batch instead of building nothing now.
   */
  private collect(entry: Entry, now: number, flush = true): void {
    const session = entry.session as SecureSession;
    if (entry.refuse) {
      for (const d of session.flush(now)) this.out.push(d);
      session.drainEvents();
      if (session.isClosed) this.forget(entry);
      return;
    }
    for (const event of session.drainEvents()) {
      if (event.kind === 'confirmed') continue;
      this.events.push({ kind: 'sessionEvent', session, hello: entry.hello, event });
    }
    if (flush) {
      for (const d of session.flush(now)) this.out.push(d);
      for (const event of session.drainEvents()) this.events.push({ kind: 'sessionEvent', session, hello: entry.hello, event });
    }
    if (session.isClosed) this.forget(entry);
    else entry.wake = session.nextTimeout();
  }

  private forget(entry: Entry): void {
    entry.session?.destroy();
    this.entries.delete(entry);
    this.halfOpen.delete(entry);
  }

  /** Closes one session from our side (revocation, shutdown); the CLOSE goes out on the next flush. */
  closeSession(session: SecureSession, code: number, reason: string): void {
    session.close(code, reason);
  }

  flush(now: number): Datagram[] {
    for (const entry of [...this.entries]) {
      if (!entry.session) continue;
      if (!entry.confirmed) {
        if (now - entry.createdAt > HALF_OPEN_LIFETIME_MS) this.forget(entry);
        continue;
      }
      if (!entry.session.needsFlush) continue;
      this.collect(entry, now);
    }
    return this.out.splice(0, this.out.length);
  }

  drainEvents(): ResponderEvent[] {
    return this.events.splice(0, this.events.length);
  }

  nextTimeout(): number | undefined {
    let t: number | undefined;
    for (const e of this.entries) {
      const c = e.confirmed ? e.wake : e.createdAt + HALF_OPEN_LIFETIME_MS + 1;
      if (c !== undefined && (t === undefined || c < t)) t = c;
    }
    return t;
  }

  /** Runs the due sessions' timers; they are marked for the next flush, which refreshes their wake. */
  onTimeout(now: number): void {
    for (const e of this.entries) {
      if (!e.confirmed || !e.session || e.wake === undefined || e.wake > now) continue;
      e.session.onTimeout(now);
      e.wake = e.session.nextTimeout();
    }
  }
}

// ---------------------------------------------------------------------------------------------------

export interface InitiatorOptions {
  pattern: HandshakePatternName;
  remote: Address;
  identity: Buffer;
  kind: number;
  credentialId: Buffer;
  psk: Buffer;
  deviceName: string;
  localStatic?: KeyPair;
  remoteStatic?: Buffer;
  now: number;
  /** Wall clock for the TAI64N timestamp (separate from `now`, which may be a monotonic clock). */
  wallClock?: () => number;
  session?: Partial<Pick<SessionOptions, 'timers' | 'connection'>>;
  handshakeTimeoutMs?: number;
}

export type InitiatorEvent =
  | { kind: 'established'; session: SecureSession; resumptionId: Buffer; resumptionPsk: Buffer; rttMs: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'sessionEvent'; event: SessionEvent };

/**
 * Responses carry mac1 keyed by the initiator's identity (its static public key, or the local key for
 * the local link), so a forged response is dropped before any Noise work; mac2 is unused (zeros).
 */
/** Who an initiation comes from, for the replay rule and the half-open limit: its static key, else its credential. */
function identityOf(credentialId: Buffer, remoteStatic: Buffer | null | undefined): string {
  return remoteStatic ? remoteStatic.toString('hex') : `credential:${credentialId.toString('hex')}`;
}

function sealResponse(body: Buffer, initiatorIdentity: Buffer): Buffer {
  return Buffer.concat([body, mac(mac1Key(initiatorIdentity), body), Buffer.alloc(MAC_SIZE)]);
}

let lastTimestamp: Buffer | undefined;
/**
 * The initiation timestamp: the wall clock, whitened (`tai64n`), and strictly greater than the last one
 * this process sent, because the responder drops an initiation whose timestamp is not greater than the
 * last it accepted from the same key. Two initiations within one 16.8 ms granule (a retry straight
 * after a cookie reply, a session lost and dialled again at once) would otherwise carry the same one;
 * the later one takes the next granule instead, so every timestamp sent is still a whole granule.
 */
function nextTimestamp(wall: () => number): Buffer {
  const now = tai64n(wall());
  lastTimestamp = lastTimestamp && Buffer.compare(now, lastTimestamp) <= 0 ? nextTai64n(lastTimestamp) : now;
  return lastTimestamp;
}

export class InitiatorEndpoint {
  private readonly o: InitiatorOptions;
  private readonly cookies: CookieGenerator;
  private readonly indices = new IndexTable<true>();
  private handshake:
    | { state: HandshakeState; senderIndex: number; sentAt: number; ephemeral: Buffer; rebuild: () => HandshakeState }
    | undefined;
  private nextAttemptAt: number;
  private retryDelay = HANDSHAKE_RETRY_INITIAL_MS;
  private readonly startedAt: number;
  session: SecureSession | undefined;
  private failed = false;
  private readonly out: Datagram[] = [];
  private readonly events: InitiatorEvent[] = [];
  drops = 0;

  private readonly responseMacKey: Buffer;

  constructor(o: InitiatorOptions) {
    this.o = o;
    this.responseMacKey = mac1Key(o.localStatic?.publicKey ?? o.identity);
    this.cookies = new CookieGenerator(o.identity);
    this.startedAt = o.now;
    this.nextAttemptAt = o.now;
  }

  get state(): 'handshaking' | 'established' | 'failed' | 'closed' {
    if (this.failed) return 'failed';
    if (!this.session) return 'handshaking';
    return this.session.isClosed ? 'closed' : 'established';
  }

  private sendInitiation(now: number): void {
    const senderIndex = this.indices.allocate(true);
    if (this.handshake) this.indices.release(this.handshake.senderIndex);
    const inputs = {
      pattern: this.o.pattern,
      kind: this.o.kind,
      credentialId: this.o.credentialId.subarray(0, CREDENTIAL_ID_SIZE),
      psk: this.o.psk,
      senderIndex,
      timestamp: nextTimestamp(this.o.wallClock ?? Date.now),
      deviceName: this.o.deviceName,
      localStatic: this.o.localStatic,
      remoteStatic: this.o.remoteStatic,
      ephemeral: generateX25519KeyPair(),
    };
    const { body, state } = writeInitiation(inputs);
    if (this.handshake) this.handshake.ephemeral.fill(0);
    this.handshake = { state, senderIndex, sentAt: now, ephemeral: inputs.ephemeral.privateKey, rebuild: () => writeInitiation(inputs).state };
    this.out.push({ to: this.o.remote, data: this.cookies.seal(body, now) });
    this.nextAttemptAt = now + this.retryDelay * (0.9 + Math.random() * 0.2);
    this.retryDelay = Math.min(this.retryDelay * 2, HANDSHAKE_RETRY_MAX_MS);
  }

  receive(data: Buffer, from: Address, now: number): void {
    if (this.failed || data.length < 4) return;
    switch (data[0]) {
      case PacketType.HANDSHAKE_RESP:
        this.onResponse(data, from, now);
        return;
      case PacketType.COOKIE_REPLY: {
        const reply = parseCookieReply(data);
        if (!reply || !this.handshake || reply.receiverIndex !== this.handshake.senderIndex) return;
        if (this.cookies.consumeReply(reply.nonce, reply.sealedCookie, now)) {
          // Retry right away with mac2 (WireGuard waits for the retry timer; we are rarely under attack).
          this.nextAttemptAt = now;
        }
        return;
      }
      case PacketType.DATA: {
        const header = parseData(data);
        if (!header || !this.session) {
          this.drops++;
          return;
        }
        if (!this.session.receive(header, from, now)) this.drops++;
        return;
      }
      default:
        this.drops++;
    }
  }

  private onResponse(data: Buffer, _from: Address, now: number): void {
    const resp = parseResp(data, respNoiseSize(this.o.pattern));
    const hs = this.handshake;
    if (!resp || !hs || resp.receiverIndex !== hs.senderIndex || this.session) return;
    if (!timingSafeEqual(resp.mac1, mac(this.responseMacKey, resp.beforeMac1))) {
      this.drops++;
      return;
    }
    let done;
    try {
      done = readResponse(hs.state, resp);
    } catch (err) {
      if (!(err instanceof NoiseError || err instanceof Error)) throw err;
      // A forged response spoiled this state; rebuild the identical one so the real answer still works.
      hs.state = hs.rebuild();
      this.drops++;
      return;
    }
    this.handshake = undefined;
    hs.ephemeral.fill(0); // the copy kept for rebuilding is no longer needed
    const rttMs = Math.max(now - hs.sentAt, 0.05);
    this.session = new SecureSession({
      role: 'initiator',
      keys: done.result,
      localIndex: hs.senderIndex,
      remoteIndex: resp.senderIndex,
      remote: this.o.remote,
      now,
      handshakeRttMs: rttMs,
      allocateIndex: () => this.indices.allocate(true),
      releaseIndex: (i) => this.indices.release(i),
      ...this.o.session,
    });
    this.events.push({ kind: 'established', session: this.session, resumptionId: done.resumptionId, resumptionPsk: done.result.resumptionPsk, rttMs });
  }

  flush(now: number): Datagram[] {
    if (!this.session && !this.failed && now >= this.nextAttemptAt) this.sendInitiation(now);
    if (this.session) for (const d of this.session.flush(now)) this.out.push(d);
    this.collect();
    return this.out.splice(0, this.out.length);
  }

  private collect(): void {
    if (!this.session) return;
    for (const event of this.session.drainEvents()) {
      if (event.kind === 'confirmed') continue;
      this.events.push({ kind: 'sessionEvent', event });
    }
  }

  drainEvents(): InitiatorEvent[] {
    this.collect();
    return this.events.splice(0, this.events.length);
  }

  nextTimeout(): number | undefined {
    if (this.failed) return undefined;
    if (!this.session) return Math.min(this.nextAttemptAt, this.startedAt + (this.o.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS));
    return this.session.nextTimeout();
  }

  onTimeout(now: number): void {
    if (this.failed) return;
    if (!this.session) {
      if (this.startedAt + (this.o.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS) <= now) {
        this.failed = true;
        this.events.push({ kind: 'failed', reason: 'no answer to the handshake' });
      }
      return;
    }
    this.session.onTimeout(now);
  }

  /** A fresh random credential id, for tests and the local link. */
  static randomCredentialId(): Buffer {
    return randomBytes(CREDENTIAL_ID_SIZE);
  }
}
