/**
 * One established secure session: the reliable connection wrapped in AES-256-GCM data packets, with
 * keypair slots (previous/current/next), in-band rekeying, roaming with path validation, keepalive and
 * idle timeout. A pure state machine: datagrams and time come in as arguments, datagrams go out of
 * `flush`, and `nextTimeout` says when to call `onTimeout`.
 */
import { randomBytes } from 'node:crypto';
import {
  KeypairSlots,
  ReplayWindow,
  aeadOpenPacket,
  aeadSealPacketInPlace,
  generateX25519KeyPair,
  noiseHkdf,
  x25519,
  type X25519KeyPair,
} from '@clawchat/crypto';
import { CloseCode, ReliableConnection, type ConnectionOptions, type ConnectionStats } from '../transport/connection';
import type { Frame } from '../transport/frames';
import {
  IDLE_TIMEOUT_MS,
  KEEPALIVE_MS,
  PATH_VALIDATION_TIMEOUT_MS,
  NEXT_KEY_CONFIRM_MS,
  REKEY_RETRY_MS,
  PREVIOUS_KEY_GRACE_MS,
  REJECT_AFTER_MS,
  REKEY_AFTER_MS,
  REKEY_AFTER_PACKETS,
} from './constants';
import type { HandshakeResult } from './handshake';
import { DATA_HEADER_SIZE, writeDataHeader, type DataHeader } from './wire';

export interface Address {
  address: string;
  port: number;
}

/** Returned by drainEvents when there is nothing (frozen: a caller can read it, never fill it). */
const NO_SESSION_EVENTS: readonly SessionEvent[] = Object.freeze([]);

/** The earlier of two optional deadlines. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}

/** Same as comparing addressKey()s, without building two strings per packet. */
function sameAddress(a: Address, b: Address): boolean {
  return a.port === b.port && a.address === b.address;
}

export function addressKey(a: Address): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export interface Datagram {
  to: Address;
  data: Buffer;
}

export type SessionEvent =
  | { kind: 'message'; streamId: number; data: Buffer }
  | { kind: 'closed'; code: number; reason: string; byPeer: boolean }
  | { kind: 'rekeyed'; localIndex: number }
  | { kind: 'pathChanged'; from: Address; to: Address }
  | { kind: 'confirmed' };

interface Keypair {
  localIndex: number;
  remoteIndex: number;
  sendKey: Buffer;
  receiveKey: Buffer;
  createdAt: number;
  sent: number;
}

export interface SessionTimers {
  rekeyAfterMs: number;
  rejectAfterMs: number;
  keepaliveMs: number;
  idleTimeoutMs: number;
}

export interface SessionOptions {
  role: 'initiator' | 'responder';
  keys: HandshakeResult;
  localIndex: number;
  remoteIndex: number;
  remote: Address;
  now: number;
  /** Round trip measured by the handshake: seeds the RTT estimator. */
  handshakeRttMs?: number;
  /** Index allocation is the endpoint's (it routes datagrams by index); the session asks for more on rekey. */
  allocateIndex: () => number;
  releaseIndex: (index: number) => void;
  timers?: Partial<SessionTimers>;
  connection?: ConnectionOptions;
}

export interface SessionStatus {
  remote: Address;
  keyAgeMs: number;
  nextRekeyInMs: number;
  lastReceivedAgoMs: number;
  rekeys: number;
  dropped: { replay: number; auth: number; oldKey: number };
  connection: ConnectionStats;
}

export class SecureSession {
  readonly role: 'initiator' | 'responder';
  readonly connection: ReliableConnection;
  private readonly timers: SessionTimers;
  private readonly allocateIndex: () => number;
  private readonly releaseIndex: (index: number) => void;

  /** previous / current / next keypairs (libs/crypto); every keypair leaving them is zeroed and its index released. */
  private readonly slots: KeypairSlots<Keypair>;
  private get current(): Keypair | undefined {
    return this.slots.current ?? undefined;
  }
  private get previous(): Keypair | undefined {
    return this.slots.previous ?? undefined;
  }
  private get next(): Keypair | undefined {
    return this.slots.next ?? undefined;
  }
  private previousEraseAt: number | undefined;
  private rootKey: Buffer;
  private readonly replay = new ReplayWindow();

  private remote: Address;
  private pathChallenge: { to: Address; data: Buffer; sentAt: number; sends: number } | undefined;
  private readonly pendingOut: Datagram[] = [];
  private largestReceivedPn = -1;

  private rekeyPending: { ephemeral: X25519KeyPair; localIndex: number; startedAt: number; epoch: number } | undefined;
  /** The answer to the last REKEY init, re-sent as is when that init is retransmitted. */
  private lastRekeyAnswer: { initEphemeral: Buffer; frame: Frame } | undefined;
  /**
   * Rekeys both sides have derived so far. Every REKEY frame names the epoch it creates, so a stale or
   * retransmitted init (after a collision, or after the rekey finished) can never derive keys twice and
   * make the two root keys drift apart.
   */
  private epoch = 0;
  /** When the keypair derived for the peer's REKEY init (in `next`) must be confirmed by. */
  private nextDeadline: number | undefined;

  private lastReceivedAt: number;
  private lastSentAt: number;
  private closedEmitted = false;
  private readonly events: SessionEvent[] = [];
  private rekeys = 0;
  readonly dropped = { replay: 0, auth: 0, oldKey: 0 };

  constructor(o: SessionOptions) {
    this.role = o.role;
    this.timers = {
      rekeyAfterMs: REKEY_AFTER_MS,
      rejectAfterMs: REJECT_AFTER_MS,
      keepaliveMs: KEEPALIVE_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      ...o.timers,
    };
    this.allocateIndex = o.allocateIndex;
    this.releaseIndex = o.releaseIndex;
    this.connection = new ReliableConnection({ initialRttMs: o.handshakeRttMs, ...o.connection });
    this.remote = o.remote;
    this.rootKey = o.keys.rootKey;
    const keypair: Keypair = {
      localIndex: o.localIndex,
      remoteIndex: o.remoteIndex,
      sendKey: o.keys.sendKey,
      receiveKey: o.keys.receiveKey,
      createdAt: o.now,
      sent: 0,
    };
    // The responder may not send until the initiator proves it holds the keys (WireGuard's rule):
    // its first keypair waits in `next` until a data packet arrives under it.
    this.slots = new KeypairSlots<Keypair>({
      onErase: (k) => {
        k.sendKey.fill(0);
        k.receiveKey.fill(0);
        this.releaseIndex(k.localIndex);
      },
    });
    if (o.role === 'initiator') {
      this.slots.setCurrent(keypair);
      this.connection.ping(); // confirms the keys (and consumes the ticket) at once
    } else {
      this.slots.installNext(keypair);
    }
    this.lastReceivedAt = o.now;
    this.lastSentAt = o.now;
  }

  get remoteAddress(): Address {
    return this.remote;
  }

  get isClosed(): boolean {
    return this.connection.closed;
  }

  /** False once the session is closed or closing (send() would throw). */
  get canSend(): boolean {
    return this.connection.canSend;
  }

  /** Sends if the session is still open; a message for a session that is going away is dropped. */
  trySend(streamId: number, message: Uint8Array): boolean {
    if (!this.connection.canSend) return false;
    this.connection.send(streamId, message);
    this.dirty = true;
    return true;
  }

  /** Local indices this session answers to (the endpoint routes datagrams by them). */
  localIndices(): number[] {
    return [this.previous, this.current, this.next].filter((k): k is Keypair => !!k).map((k) => k.localIndex);
  }

  // ---------------------------------------------------------------- application API

  send(streamId: number, message: Uint8Array): void {
    this.connection.send(streamId, message);
    this.dirty = true;
  }

  close(code: number, reason: string): void {
    this.connection.close(code, reason);
    this.dirty = true;
  }

  /**
   * Whether flush() could produce anything or has events to hand out. An endpoint with a thousand idle
   * sessions flushes only the ones that were touched, so one datagram costs O(1), not O(sessions).
   */
  get needsFlush(): boolean {
    return this.dirty || this.pendingOut.length > 0 || this.connection.hasSomethingToSend();
  }

  /**
   * Whether flush() would send something right now (an ACK that is due, data the window allows, a
   * probe): what an endpoint checks after each datagram, leaving anything else to its next flush.
   */
  hasOutputDue(): boolean {
    return this.pendingOut.length > 0 || this.connection.closed || this.connection.hasSomethingToSend();
  }

  /** Set by every input (packet, timer, application send); cleared by flush(). */
  private dirty = true;

  /** Starts an in-band rekey now (the hourly timer calls this too). */
  rekey(now: number): void {
    if (this.rekeyPending || this.next || this.connection.closed || !this.current) return;
    const ephemeral = generateX25519KeyPair();
    const localIndex = this.allocateIndex();
    this.rekeyPending = { ephemeral, localIndex, startedAt: now, epoch: this.epoch + 1 };
    this.dirty = true;
    this.connection.queueControl({ type: 'REKEY', phase: 'init', epoch: this.epoch + 1, senderIndex: localIndex, ephemeral: ephemeral.publicKey });
  }

  drainEvents(): SessionEvent[] {
    for (const e of this.connection.drainEvents()) this.onConnectionEvent(e);
    return this.events.length === 0 ? (NO_SESSION_EVENTS as SessionEvent[]) : this.events.splice(0, this.events.length);
  }

  // ---------------------------------------------------------------- receive

  /**
   * A data packet for one of our indices. Returns false (and changes nothing) unless it authenticates
   * and is new; garbage, replays and retired keys are only counted.
   */
  receive(packet: DataHeader, from: Address, now: number): boolean {
    if (this.connection.closed) return false;
    this.nowHint = now;
    const keypair = this.keypairFor(packet.receiverIndex);
    if (!keypair || keypair.createdAt + this.timers.rejectAfterMs <= now) {
      this.dropped.oldKey++;
      return false;
    }
    const counter = BigInt(packet.counter);
    if (!this.replay.isPossiblyValid(counter)) {
      this.dropped.replay++;
      return false;
    }
    const plaintext = aeadOpenPacket(keypair.receiveKey, packet.counter, packet.packet, DATA_HEADER_SIZE);
    if (!plaintext) {
      this.dropped.auth++;
      return false;
    }
    if (!this.replay.checkAndAccept(counter)) {
      this.dropped.replay++;
      return false;
    }
    this.lastReceivedAt = now;
    this.dirty = true;
    if (keypair === this.next) this.promoteNext(now);
    const newest = packet.counter > this.largestReceivedPn;
    if (newest) this.largestReceivedPn = packet.counter;
    this.connection.receivePacket(packet.counter, plaintext, now);
    for (const e of this.connection.drainEvents()) this.onConnectionEvent(e, from);
    // Roaming: only the responder follows the peer, only on the newest packet, and only after the
    // new address proves it can receive (a replayed packet from elsewhere cannot redirect us).
    if (this.role === 'responder' && newest && !sameAddress(from, this.remote)) this.startPathValidation(from, now);
    return true;
  }

  private keypairFor(index: number): Keypair | undefined {
    // Nearly every packet is under the current keys: answer that without searching the slots.
    const current = this.current;
    if (current && current.localIndex === index) return current;
    return this.slots.findByIndex((k) => k.localIndex === index)?.keypair;
  }

  private promoteNext(now: number): void {
    const first = !this.current;
    this.slots.promoteNext();
    this.nextDeadline = undefined;
    if (this.previous) this.previousEraseAt = now + PREVIOUS_KEY_GRACE_MS;
    if (first) this.events.push({ kind: 'confirmed' });
    else {
      this.rekeys++;
      this.events.push({ kind: 'rekeyed', localIndex: (this.current as Keypair).localIndex });
    }
  }

  private retirePrevious(): void {
    this.slots.erasePrevious();
    this.previousEraseAt = undefined;
  }

  private onConnectionEvent(e: ReturnType<ReliableConnection['drainEvents']>[number], from?: Address): void {
    switch (e.kind) {
      case 'message':
        this.events.push(e);
        return;
      case 'closed':
        this.emitClosed(e.code, e.reason, e.byPeer);
        return;
      case 'pathChallenge':
        // Answer on the path the challenge came in on, whatever our current path is.
        this.sendProbe([{ type: 'PATH_RESPONSE', data: e.data }], from ?? this.remote);
        return;
      case 'pathResponse':
        if (this.pathChallenge && this.pathChallenge.data.equals(e.data) && from && addressKey(from) === addressKey(this.pathChallenge.to)) {
          const old = this.remote;
          this.remote = this.pathChallenge.to;
          this.pathChallenge = undefined;
          this.events.push({ kind: 'pathChanged', from: old, to: this.remote });
        }
        return;
      case 'rekey':
        if (e.phase === 'init') this.onRekeyInit(e.epoch, e.senderIndex, e.ephemeral);
        else this.onRekeyResp(e.epoch, e.senderIndex, e.ephemeral);
        return;
      case 'rekeyAcked':
        return;
    }
  }

  private emitClosed(code: number, reason: string, byPeer: boolean): void {
    if (this.closedEmitted) return;
    this.closedEmitted = true;
    this.events.push({ kind: 'closed', code, reason, byPeer });
  }

  // ---------------------------------------------------------------- rekey

  /** Derives the next keypair from the root key and a fresh ephemeral-ephemeral DH (forward secrecy). */
  private deriveNext(dh: Buffer, iAmInitiator: boolean): { send: Buffer; receive: Buffer } {
    const [root, i2r, r2i] = noiseHkdf(this.rootKey, dh, 3);
    this.rootKey.fill(0);
    this.rootKey = root;
    dh.fill(0);
    return iAmInitiator ? { send: i2r, receive: r2i } : { send: r2i, receive: i2r };
  }

  private onRekeyInit(epoch: number, peerIndex: number, peerEphemeral: Buffer): void {
    if (this.lastRekeyAnswer && this.lastRekeyAnswer.initEphemeral.equals(peerEphemeral)) {
      this.connection.queueControl(this.lastRekeyAnswer.frame);
      return;
    }
    if (epoch !== this.epoch + 1) return; // stale (already done, or lost a collision): never derive twice
    if (this.rekeyPending) {
      // Both sides started at once: the smaller ephemeral key wins the initiator role.
      if (Buffer.compare(this.rekeyPending.ephemeral.publicKey, peerEphemeral) < 0) return;
      this.abandonPendingRekey();
    }
    if (this.next) return; // still waiting for the peer to use the last keys we derived
    let dh: Buffer;
    const ephemeral = generateX25519KeyPair();
    try {
      dh = x25519(ephemeral.privateKey, peerEphemeral);
    } catch {
      return; // an invalid point from an authenticated peer: ignore the request
    }
    const keys = this.deriveNext(dh, false);
    this.epoch = epoch;
    const localIndex = this.allocateIndex();
    this.slots.installNext({ localIndex, remoteIndex: peerIndex, sendKey: keys.send, receiveKey: keys.receive, createdAt: this.nowHint, sent: 0 });
    this.nextDeadline = this.nowHint + NEXT_KEY_CONFIRM_MS;
    const frame: Frame = { type: 'REKEY', phase: 'resp', epoch, senderIndex: localIndex, ephemeral: ephemeral.publicKey };
    ephemeral.privateKey.fill(0);
    this.lastRekeyAnswer = { initEphemeral: Buffer.from(peerEphemeral), frame };
    this.connection.queueControl(frame);
  }

  private abandonPendingRekey(): void {
    if (!this.rekeyPending) return;
    this.rekeyPending.ephemeral.privateKey.fill(0);
    this.releaseIndex(this.rekeyPending.localIndex);
    this.rekeyPending = undefined;
  }

  private onRekeyResp(epoch: number, peerIndex: number, peerEphemeral: Buffer): void {
    const pending = this.rekeyPending;
    if (!pending || epoch !== pending.epoch) return;
    let dh: Buffer;
    try {
      dh = x25519(pending.ephemeral.privateKey, peerEphemeral);
    } catch {
      return;
    }
    pending.ephemeral.privateKey.fill(0);
    this.rekeyPending = undefined;
    const keys = this.deriveNext(dh, true);
    this.epoch = epoch;
    // The answer proves the peer holds the new keys, so we switch to them at once.
    this.slots.setCurrent({ localIndex: pending.localIndex, remoteIndex: peerIndex, sendKey: keys.send, receiveKey: keys.receive, createdAt: this.nowHint, sent: 0 });
    this.previousEraseAt = this.nowHint + PREVIOUS_KEY_GRACE_MS;
    this.rekeys++;
    this.events.push({ kind: 'rekeyed', localIndex: pending.localIndex });
    this.connection.ping(); // so the peer confirms the new keys promptly
  }

  /** Time of the latest input (rekey frames arrive inside receive(), which knows `now`). */
  private nowHint = 0;

  // ---------------------------------------------------------------- path validation

  private startPathValidation(to: Address, now: number): void {
    if (this.pathChallenge && addressKey(this.pathChallenge.to) === addressKey(to)) return;
    this.pathChallenge = { to, data: randomBytes(8), sentAt: now, sends: 1 };
    this.sendProbe([{ type: 'PATH_CHALLENGE', data: this.pathChallenge.data }], to);
  }

  private sendProbe(frames: Frame[], to: Address): void {
    const keypair = this.current;
    if (!keypair) return;
    const { pn, packet } = this.connection.buildProbe(frames);
    this.pendingOut.push({ to, data: this.seal(keypair, pn, packet) });
  }

  // ---------------------------------------------------------------- send

  /** Seals a packet the connection built (header room || frames || tag room) in place; returns it. */
  private seal(keypair: Keypair, pn: number, packet: Buffer): Buffer {
    writeDataHeader(packet, keypair.remoteIndex, pn);
    keypair.sent++;
    aeadSealPacketInPlace(keypair.sendKey, pn, packet, DATA_HEADER_SIZE);
    return packet;
  }

  /** Everything that should go on the wire now. */
  flush(now: number): Datagram[] {
    this.nowHint = now;
    const out = this.pendingOut.splice(0, this.pendingOut.length);
    const keypair = this.current;
    if (keypair && !this.connection.closed) {
      if (this.lastSentAt + this.timers.keepaliveMs <= now) this.connection.ping();
      for (let i = 0; i < 4096; i++) {
        const packet = this.connection.buildPacket(now);
        if (!packet) break;
        const datagram = { to: this.remote, data: this.seal(keypair, packet.pn, packet.packet) };
        out.push(datagram);
        // A CLOSE is never retransmitted (the connection is gone), so send it three times: at 20 % loss
        // the peer still hears it 99 % of the time. Duplicates die in its replay window.
        if (this.connection.closed) out.push(datagram, datagram);
      }
      this.maybeStartRekey(now, keypair);
    }
    if (out.length) this.lastSentAt = now;
    for (const e of this.connection.drainEvents()) this.onConnectionEvent(e);
    this.dirty = false;
    return out;
  }

  private maybeStartRekey(now: number, keypair: Keypair): void {
    // An init the peer acknowledged but never answered (it was busy with keys of its own) is retried.
    if (this.rekeyPending && this.rekeyPending.startedAt + REKEY_RETRY_MS <= now) this.abandonPendingRekey();
    if (this.rekeyPending || this.next) return;
    if (this.rekeyDueAt(keypair) <= now || keypair.sent >= REKEY_AFTER_PACKETS) this.rekey(now);
  }

  /** The responder waits a little longer so the initiator normally starts and the two rarely collide. */
  private rekeyDueAt(keypair: Keypair): number {
    return keypair.createdAt + this.timers.rekeyAfterMs + (this.role === 'responder' ? Math.min(30_000, this.timers.rekeyAfterMs / 10) : 0);
  }

  // ---------------------------------------------------------------- timers

  nextTimeout(): number | undefined {
    if (this.connection.closed) return undefined;
    // Called after every datagram on a busy session, so no array of candidates: just a running minimum.
    const current = this.current;
    let t = earliest(this.connection.nextTimeout(), this.lastReceivedAt + this.timers.idleTimeoutMs);
    if (current) {
      t = earliest(t, this.lastSentAt + this.timers.keepaliveMs);
      if (!this.rekeyPending && !this.next) t = earliest(t, this.rekeyDueAt(current));
      t = earliest(t, current.createdAt + this.timers.rejectAfterMs);
      t = earliest(t, this.nextDeadline);
    }
    if (this.rekeyPending) t = earliest(t, this.rekeyPending.startedAt + REKEY_RETRY_MS);
    t = earliest(t, this.previousEraseAt);
    if (this.pathChallenge) t = earliest(t, this.pathChallenge.sentAt + Math.min(this.pathChallenge.sends, 3) * (PATH_VALIDATION_TIMEOUT_MS / 3));
    return t;
  }

  onTimeout(now: number): void {
    this.nowHint = now;
    this.dirty = true;
    if (this.connection.closed) return;
    // Deadlines are compared in the same form nextTimeout() computes them, so float rounding can never
    // leave a timer due but unserved.
    if (this.lastReceivedAt + this.timers.idleTimeoutMs <= now) {
      this.connection.abandon(CloseCode.IDLE_TIMEOUT, `no packet from the peer for ${Math.round(this.timers.idleTimeoutMs / 1000)} s`);
      return;
    }
    if (this.current && this.current.createdAt + this.timers.rejectAfterMs <= now) {
      this.connection.abandon(CloseCode.IDLE_TIMEOUT, 'session keys expired without a rekey');
      return;
    }
    if (this.previousEraseAt !== undefined && now >= this.previousEraseAt) this.retirePrevious();
    if (this.nextDeadline !== undefined && this.current && now >= this.nextDeadline) {
      // The peer never switched to the keys it asked for: the two sides no longer agree on the root
      // key, so the session cannot rekey again. Close it; the client reconnects with resumption.
      this.connection.close(CloseCode.PROTOCOL_VIOLATION, 'rekey was never confirmed');
      this.nextDeadline = undefined;
    }
    if (this.pathChallenge) {
      const c = this.pathChallenge;
      if (c.sentAt + 3 * (PATH_VALIDATION_TIMEOUT_MS / 3) <= now) this.pathChallenge = undefined;
      else if (c.sends < 3 && c.sentAt + c.sends * (PATH_VALIDATION_TIMEOUT_MS / 3) <= now) {
        this.pathChallenge.sends++;
        this.sendProbe([{ type: 'PATH_CHALLENGE', data: this.pathChallenge.data }], this.pathChallenge.to);
      }
    }
    this.connection.onTimeout(now);
  }

  status(now: number): SessionStatus {
    const created = this.current?.createdAt ?? now;
    return {
      remote: this.remote,
      keyAgeMs: now - created,
      nextRekeyInMs: Math.max(0, created + this.timers.rekeyAfterMs - now),
      lastReceivedAgoMs: now - this.lastReceivedAt,
      rekeys: this.rekeys,
      dropped: { ...this.dropped },
      connection: this.connection.snapshot(),
    };
  }

  /** Erases every key (session over). The endpoint calls this when it forgets the session. */
  destroy(): void {
    this.slots.eraseAll();
    this.abandonPendingRekey();
    this.rootKey.fill(0);
    if (!this.connection.closed) this.connection.abandon(CloseCode.SHUTDOWN, 'session destroyed');
  }
}
