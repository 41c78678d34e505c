/**
 * The reliable part of a session, without any cryptography or sockets: packet numbers, ACK ranges,
 * loss detection and probe timeouts (RFC 9002), NewReno congestion control, stream and connection
 * flow control, and prioritised streams carrying length-prefixed messages.
 *
 * It is a pure state machine: the secure session feeds it decrypted payloads with `receivePacket`,
 * asks it for payloads to encrypt with `buildPacket`, and calls `onTimeout` when `nextTimeout()` is due.
 * Time is always an argument, so tests drive it without sleeping.
 */
import {
  ACK_ELICITING_THRESHOLD,
  CONNECTION_RECEIVE_WINDOW,
  INITIAL_RTT_MS,
  MAX_ACK_DELAY_MS,
  MAX_ACK_RANGES,
  MAX_PACKET_PAYLOAD,
  MAX_PTO_BACKOFF,
  MAX_RECEIVED_RANGES,
  MAX_DROPPED_STREAMS,
  MAX_STREAMS,
  PACKET_THRESHOLD,
  STREAM_CLASS_COUNT,
  STREAM_RECEIVE_WINDOW,
  DATA_HEADER_SIZE,
  AEAD_TAG_SIZE,
} from './constants';
import { NewReno, RttEstimator } from './congestion';
import { AckRange, Frame, FrameError, decodeFrames, encodedFrameSize, streamFrameOverhead, writeFrame } from './frames';
import { RangeSet } from './range-set';
import { FlowControlError, RecvStream } from './recv-stream';
import { SendStream } from './send-stream';
import { SentPacketQueue } from './sent-queue';

export type ConnectionEvent =
  | { kind: 'message'; streamId: number; data: Buffer }
  | { kind: 'pathChallenge'; data: Buffer }
  | { kind: 'pathResponse'; data: Buffer }
  | { kind: 'rekey'; phase: 'init' | 'resp'; epoch: number; senderIndex: number; ephemeral: Buffer }
  | { kind: 'rekeyAcked' }
  | { kind: 'closed'; code: number; reason: string; byPeer: boolean };

/** Close codes carried in CLOSE frames (docs/protocol.md). */
export const CloseCode = {
  NORMAL: 0,
  IDLE_TIMEOUT: 1,
  PROTOCOL_VIOLATION: 2,
  REVOKED: 3,
  SHUTDOWN: 4,
  REPLACED: 5,
  /** The .sec ticket's validity ended (judged by the relay's clock). */
  TICKET_EXPIRED: 6,
  /** The .sec ticket was already used by another device. */
  TICKET_USED: 7,
  /** The .sec ticket was revoked by the compromise procedure. */
  TICKET_REVOKED: 8,
  /**
   * Like REVOKED, for every device at once because the relay's static key was replaced
   * (`clawchat-relay rotate-identity`): a new .sec *and* the new bootstrap key are needed.
   */
  IDENTITY_ROTATED: 9,
  /**
   * The relay could not take the session right now (it failed to record the device's new credential):
   * nothing was used up, the credential presented (ticket or resumption) is still good; try again later.
   */
  UNAVAILABLE: 10,
} as const;

interface StreamRange {
  streamId: number;
  offset: number;
  length: number;
}

interface SentPacket {
  pn: number;
  timeSent: number;
  /** Bytes on the wire (payload + header + tag), what congestion control counts. */
  size: number;
  ackEliciting: boolean;
  /**
   * The stream data it carried. A packet in flight lives for a round trip, long enough to outlive a
   * young-generation GC, so the usual single range is kept inline (streamId -1: none) rather than as
   * an array and an object per packet; further ranges (small messages on several streams) go in `moreStreams`.
   */
  streamId: number;
  offset: number;
  length: number;
  moreStreams: StreamRange[] | undefined;
  /** Frames to send again if this packet is lost (flow-control updates, REKEY). */
  control: readonly Frame[];
}

/**
 * A packet ready for encryption. `payload` (the frames) lies inside `packet` with room for the data
 * header before it and the AEAD tag after it, so the session seals it in place: no copy of the
 * payload into a separate datagram buffer.
 */
export interface BuiltPacket {
  pn: number;
  payload: Buffer;
  /** DATA_HEADER_SIZE spare bytes || payload || AEAD_TAG_SIZE spare bytes. */
  packet: Buffer;
}

const NO_FRAMES: readonly Frame[] = Object.freeze([]);
/** Returned by drainEvents when there is nothing (frozen: a caller can read it, never fill it). */
const NO_EVENTS: readonly ConnectionEvent[] = Object.freeze([]);

function writePacket(frames: Frame[]): { packet: Buffer; payload: Buffer } {
  let size = 0;
  for (const f of frames) size += encodedFrameSize(f);
  const packet = Buffer.allocUnsafe(DATA_HEADER_SIZE + size + AEAD_TAG_SIZE);
  let o = DATA_HEADER_SIZE;
  for (const f of frames) o = writeFrame(packet, o, f);
  return { packet, payload: packet.subarray(DATA_HEADER_SIZE, o) };
}

export interface ConnectionOptions {
  initialRttMs?: number;
  /** When false the application calls release() after it has finished with each message. */
  autoRelease?: boolean;
  streamWindow?: number;
  connectionWindow?: number;
  maxPayload?: number;
}

export interface ConnectionStats {
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  bytesSent: number;
  bytesReceived: number;
  rttMs: number;
  cwnd: number;
  bytesInFlight: number;
}

export class ReliableConnection {
  readonly rtt: RttEstimator;
  readonly cc = new NewReno();
  private readonly maxPayload: number;
  private readonly streamWindow: number;
  private readonly connectionWindow: number;
  private readonly autoRelease: boolean;

  private nextPn = 0;
  private readonly sent = new SentPacketQueue<SentPacket>();
  private largestAcked = -1;
  private timeOfLastAckEliciting = 0;
  private lossTime: number | undefined;
  private ptoCount = 0;
  private probesDue = 0;

  private readonly received = new RangeSet(MAX_RECEIVED_RANGES);
  private largestReceived = -1;
  private largestReceivedAt = 0;
  private unackedEliciting = 0;
  private ackDeadline: number | undefined;
  private ackNow = false;

  private readonly sendStreams = new Map<number, SendStream>();
  private readonly recvStreams = new Map<number, RecvStream>();
  /** Round-robin cursor per stream class so streams of the same class share fairly. */
  private readonly rrCursor: number[] = new Array(STREAM_CLASS_COUNT).fill(-1);

  private peerMaxData: number;
  private freshBytesSent = 0;
  private localMaxData: number;
  private receivedHighest = 0;
  private releasedTotal = 0;

  private readonly controlQueue: Frame[] = [];
  private pingDue = false;
  /**
   * Streams the application forgot (dropStream). Late frames for them are acknowledged and discarded,
   * never allowed to re-create the stream at offset 0 (which would stall behind a gap or overrun it).
   */
  private readonly droppedStreams = new Set<number>();
  private closing: { code: number; reason: string } | undefined;
  closed = false;
  private readonly events: ConnectionEvent[] = [];
  readonly stats = { packetsSent: 0, packetsReceived: 0, packetsLost: 0, bytesSent: 0, bytesReceived: 0 };

  constructor(opts: ConnectionOptions = {}) {
    this.rtt = new RttEstimator(opts.initialRttMs ?? INITIAL_RTT_MS);
    this.maxPayload = opts.maxPayload ?? MAX_PACKET_PAYLOAD;
    this.streamWindow = opts.streamWindow ?? STREAM_RECEIVE_WINDOW;
    this.connectionWindow = opts.connectionWindow ?? CONNECTION_RECEIVE_WINDOW;
    this.autoRelease = opts.autoRelease ?? true;
    // Both sides start from the same windows (they are protocol constants), so no negotiation is needed.
    this.peerMaxData = this.connectionWindow;
    this.localMaxData = this.connectionWindow;
  }

  // ---------------------------------------------------------------- application side

  /** False once the connection is closed or closing: send() would throw. */
  get canSend(): boolean {
    return !this.closed && !this.closing;
  }

  /** Queues a whole message on a stream; it arrives complete, in order, exactly once. */
  send(streamId: number, message: Uint8Array): void {
    if (this.closed || this.closing) throw new Error('connection is closed');
    this.sendStream(streamId).writeMessage(message);
  }

  /** Bytes queued on a stream and not yet acknowledged (for backpressure). */
  buffered(streamId: number): number {
    return this.sendStreams.get(streamId)?.buffered ?? 0;
  }

  /** Bytes queued on every stream and not yet acknowledged. */
  totalBuffered(): number {
    let n = 0;
    for (const s of this.sendStreams.values()) n += s.buffered;
    return n;
  }

  /** With autoRelease off: the application is done with `bytes` of message data on `streamId`. */
  release(streamId: number, bytes: number): void {
    const stream = this.recvStreams.get(streamId);
    if (!stream) return;
    stream.release(bytes + 4);
    this.releasedTotal += bytes + 4;
    this.queueWindowUpdates(stream);
  }

  /** Queues a frame the session layer owns (REKEY); it is retransmitted until acknowledged. */
  queueControl(frame: Frame): void {
    this.controlQueue.push(frame);
  }

  /** Asks for an ack-eliciting packet even with no data (keepalive, key confirmation). */
  ping(): void {
    if (!this.closed) this.pingDue = true;
  }

  /**
   * A packet carrying only `frames` (path validation), with its own packet number. It is not tracked
   * for loss: path validation has its own timer.
   */
  buildProbe(frames: Frame[]): BuiltPacket {
    const { packet, payload } = writePacket(frames);
    this.stats.packetsSent++;
    this.stats.bytesSent += packet.length;
    return { pn: this.nextPn++, payload, packet };
  }

  /** Starts a graceful close: the CLOSE frame goes out with the next packet. */
  close(code: number, reason: string): void {
    if (this.closed || this.closing) return;
    this.closing = { code, reason };
  }

  /** Marks the connection dead without telling the peer (idle timeout, fatal error). */
  abandon(code: number, reason: string, byPeer = false): void {
    if (this.closed) return;
    this.closed = true;
    this.events.push({ kind: 'closed', code, reason, byPeer });
  }

  drainEvents(): ConnectionEvent[] {
    // Asked after every packet; most packets raise no event, so no new empty array each time.
    return this.events.length === 0 ? (NO_EVENTS as ConnectionEvent[]) : this.events.splice(0, this.events.length);
  }

  // ---------------------------------------------------------------- receive path

  /**
   * Processes the plaintext of an authenticated packet. The caller has already rejected replays.
   * A malformed payload from an authenticated peer closes the connection (it is a bug or an attack).
   */
  receivePacket(pn: number, payload: Buffer, now: number): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = decodeFrames(payload);
    } catch (err) {
      this.failProtocol((err as FrameError).message);
      return;
    }
    this.stats.packetsReceived++;
    this.stats.bytesReceived += payload.length + DATA_HEADER_SIZE + AEAD_TAG_SIZE;
    let ackEliciting = false;
    try {
      for (const frame of frames) {
        if (frame.type !== 'ACK') ackEliciting = true;
        this.onFrame(frame, now);
        if (this.closed) return;
      }
    } catch (err) {
      if (err instanceof FlowControlError || err instanceof FrameError) {
        this.failProtocol(err.message);
        return;
      }
      throw err;
    }
    const inOrder = pn === this.largestReceived + 1;
    this.received.add(pn, pn + 1);
    if (pn > this.largestReceived) {
      this.largestReceived = pn;
      this.largestReceivedAt = now;
    }
    if (!ackEliciting) return;
    this.unackedEliciting++;
    if (!inOrder || this.unackedEliciting >= ACK_ELICITING_THRESHOLD) this.ackNow = true;
    else if (this.ackDeadline === undefined) this.ackDeadline = now + Math.min(MAX_ACK_DELAY_MS, this.rtt.smoothed / 4);
  }

  private onFrame(frame: Frame, now: number): void {
    switch (frame.type) {
      case 'PING':
        return;
      case 'ACK':
        this.onAck(frame.ranges, frame.ackDelayUs / 1000, now);
        return;
      case 'STREAM': {
        if (this.droppedStreams.has(frame.streamId)) {
          // Give the peer its connection credit back: it counted these bytes as sent.
          this.releasedTotal += frame.data.length;
          this.receivedHighest += frame.data.length;
          return;
        }
        const stream = this.recvStream(frame.streamId);
        const { messages, grew } = stream.onData(frame.offset, frame.data);
        this.receivedHighest += grew;
        if (this.receivedHighest > this.localMaxData) throw new FlowControlError('connection flow-control limit exceeded');
        for (const data of messages) {
          this.events.push({ kind: 'message', streamId: frame.streamId, data });
          if (this.autoRelease) {
            stream.release(data.length + 4);
            this.releasedTotal += data.length + 4;
          }
        }
        if (this.autoRelease && messages.length) this.queueWindowUpdates(stream);
        return;
      }
      case 'MAX_DATA':
        this.peerMaxData = Math.max(this.peerMaxData, frame.max);
        return;
      case 'MAX_STREAM_DATA': {
        if (this.droppedStreams.has(frame.streamId)) return;
        const stream = this.sendStream(frame.streamId);
        stream.peerMax = Math.max(stream.peerMax, frame.max);
        return;
      }
      case 'PATH_CHALLENGE':
        this.events.push({ kind: 'pathChallenge', data: frame.data });
        return;
      case 'PATH_RESPONSE':
        this.events.push({ kind: 'pathResponse', data: frame.data });
        return;
      case 'CLOSE':
        this.closed = true;
        this.events.push({ kind: 'closed', code: frame.code, reason: frame.reason, byPeer: true });
        return;
      case 'REKEY':
        this.events.push({ kind: 'rekey', phase: frame.phase, epoch: frame.epoch, senderIndex: frame.senderIndex, ephemeral: frame.ephemeral });
        return;
    }
  }

  private failProtocol(reason: string): void {
    this.closing = { code: CloseCode.PROTOCOL_VIOLATION, reason: `protocol violation: ${reason}` };
  }

  private queueWindowUpdates(stream: RecvStream): void {
    const streamMax = stream.windowUpdate();
    if (streamMax !== undefined) this.controlQueue.push({ type: 'MAX_STREAM_DATA', streamId: stream.id, max: streamMax });
    const target = this.releasedTotal + this.connectionWindow;
    if (target - this.localMaxData >= this.connectionWindow / 2) {
      this.localMaxData = target;
      this.controlQueue.push({ type: 'MAX_DATA', max: target });
    }
  }

  private onAck(ranges: AckRange[], ackDelayMs: number, now: number): void {
    const largest = ranges[0].largest;
    if (largest >= this.nextPn) {
      this.failProtocol('ACK for a packet never sent');
      return;
    }
    const oldest = this.oldestOutstanding();
    if (oldest === undefined) return;
    const newlyAcked: SentPacket[] = [];
    for (const range of ranges) {
      if (range.largest < oldest) break;
      for (let pn = range.largest; pn >= Math.max(range.smallest, oldest); pn--) {
        const p = this.sent.get(pn);
        if (p) newlyAcked.push(p);
      }
    }
    if (newlyAcked.length === 0) return;
    if (largest > this.largestAcked) this.largestAcked = largest;
    const largestNewly = newlyAcked[0];
    if (largestNewly.pn === largest && largestNewly.ackEliciting) {
      this.rtt.update(now - largestNewly.timeSent, ackDelayMs);
    }
    const windowUsed = this.cc.windowUsed;
    for (const p of newlyAcked) {
      this.sent.delete(p.pn);
      this.cc.onAcked(p.size, p.timeSent, windowUsed);
      this.streamsAcked(p);
      if (p.control.length && p.control.some((f) => f.type === 'REKEY')) this.events.push({ kind: 'rekeyAcked' });
    }
    this.detectLoss(now);
    this.ptoCount = 0;
    this.probesDue = 0;
  }

  private streamsAcked(p: SentPacket): void {
    if (p.streamId >= 0) this.sendStreams.get(p.streamId)?.onAcked(p.offset, p.length);
    if (p.moreStreams) for (const r of p.moreStreams) this.sendStreams.get(r.streamId)?.onAcked(r.offset, r.length);
  }

  private streamsLost(p: SentPacket): void {
    if (p.streamId >= 0) this.sendStreams.get(p.streamId)?.onLost(p.offset, p.length);
    if (p.moreStreams) for (const r of p.moreStreams) this.sendStreams.get(r.streamId)?.onLost(r.offset, r.length);
  }

  private oldestOutstanding(): number | undefined {
    return this.sent.oldest()?.pn;
  }

  private detectLoss(now: number): void {
    this.lossTime = undefined;
    const lossDelay = this.rtt.lossDelay();
    let largestLostSentAt = -Infinity;
    for (let p = this.sent.oldest(); p !== undefined && p.pn <= this.largestAcked; p = this.sent.after(p.pn)) {
      // Compare in the same form as the timer below, so float rounding cannot leave a due timer unserved.
      if (p.timeSent + lossDelay <= now || this.largestAcked >= p.pn + PACKET_THRESHOLD) {
        this.sent.delete(p.pn);
        this.onPacketLost(p);
        largestLostSentAt = Math.max(largestLostSentAt, p.timeSent);
      } else {
        const when = p.timeSent + lossDelay;
        this.lossTime = this.lossTime === undefined ? when : Math.min(this.lossTime, when);
      }
    }
    if (largestLostSentAt > -Infinity) this.cc.onLoss(largestLostSentAt, now);
  }

  private onPacketLost(p: SentPacket): void {
    this.stats.packetsLost++;
    this.cc.onRemoved(p.size);
    this.streamsLost(p);
    for (const f of p.control) this.controlQueue.push(this.refreshControl(f));
  }

  /** A flow-control update is re-sent with its newest value, not the stale one that was lost. */
  private refreshControl(f: Frame): Frame {
    if (f.type === 'MAX_DATA') return { type: 'MAX_DATA', max: this.localMaxData };
    if (f.type === 'MAX_STREAM_DATA') {
      const s = this.recvStreams.get(f.streamId);
      return s ? { type: 'MAX_STREAM_DATA', streamId: f.streamId, max: s.advertisedMax } : f;
    }
    return f;
  }

  // ---------------------------------------------------------------- timers

  /** When onTimeout must next be called (undefined: nothing pending). */
  nextTimeout(): number | undefined {
    let t: number | undefined = this.ackDeadline;
    const recovery = this.recoveryTimer();
    if (recovery !== undefined) t = t === undefined ? recovery : Math.min(t, recovery);
    return t;
  }

  private recoveryTimer(): number | undefined {
    if (this.lossTime !== undefined) return this.lossTime;
    if (!this.hasAckElicitingInFlight()) return undefined;
    const backoff = 2 ** Math.min(this.ptoCount, MAX_PTO_BACKOFF);
    return this.timeOfLastAckEliciting + this.rtt.pto(this.peerAckDelayBound()) * backoff;
  }

  /** Only ack-eliciting packets are tracked in `sent`, so any entry counts. */
  private hasAckElicitingInFlight(): boolean {
    return this.sent.size > 0;
  }

  /** The peer delays ACKs by at most a quarter RTT (capped), the same rule we follow. */
  private peerAckDelayBound(): number {
    return Math.min(MAX_ACK_DELAY_MS, this.rtt.smoothed / 4);
  }

  onTimeout(now: number): void {
    if (this.closed) return;
    if (this.ackDeadline !== undefined && this.ackDeadline <= now) {
      this.ackNow = true;
      this.ackDeadline = undefined;
    }
    const recovery = this.recoveryTimer();
    if (recovery === undefined || recovery > now) return;
    if (this.lossTime !== undefined) {
      this.detectLoss(now);
      return;
    }
    // Probe timeout: send up to two ack-eliciting probes, re-sending the oldest outstanding data.
    this.ptoCount++;
    this.probesDue = 2;
    const oldest = this.sent.oldest();
    if (oldest) {
      this.streamsLost(oldest);
      for (const f of oldest.control) this.controlQueue.push(this.refreshControl(f));
    }
  }

  /** Consecutive probe timeouts without an answer (the session uses it to notice a dead path). */
  get probeTimeouts(): number {
    return this.ptoCount;
  }

  // ---------------------------------------------------------------- send path

  /** True when buildPacket would produce something right now. */
  hasSomethingToSend(): boolean {
    if (this.closed) return false;
    if (this.ackNow || this.closing || this.probesDue > 0 || this.pingDue) return true;
    if (this.cc.available < this.maxPayload / 2) return false;
    if (this.controlQueue.length) return true;
    const credit = this.peerMaxData - this.freshBytesSent;
    for (const s of this.sendStreams.values()) if (s.wantsToSend(credit)) return true;
    return false;
  }

  /**
   * Builds the next packet payload, or null when nothing may be sent now. The caller encrypts it with
   * packet number `pn` as the AEAD counter. `extra` frames (path validation) ride along untracked.
   */
  buildPacket(now: number, extra: readonly Frame[] = NO_FRAMES): BuiltPacket | null {
    if (this.closed) return null;
    const frames: Frame[] = extra.length ? [...extra] : [];
    let room = this.maxPayload;
    for (const f of extra) room -= encodedFrameSize(f);
    // An ACK is worth sending only while an ack-eliciting packet is unacknowledged: the peer needs no
    // acknowledgement of its ACK-only packets (RFC 9000 §13.2.1), and repeating ranges it already has
    // would cost both sides an ACK frame per data packet on a one-way transfer.
    const ack = this.ackNow || this.unackedEliciting > 0 ? this.ackFrame(now) : undefined;
    // An ACK goes out on its own only when due (threshold reached, out-of-order arrival, or the ack
    // timer fired); otherwise it waits to ride along with data.
    const wantAck = ack !== undefined && this.ackNow;

    if (this.closing) {
      const finalAck = ack ?? this.ackFrame(now);
      if (finalAck) frames.push(finalAck);
      const close: Frame = { type: 'CLOSE', code: this.closing.code, reason: this.closing.reason };
      // Last words first (a COMPROMISED notice, a final answer): whatever fits rides in the same packet.
      const closeRoom = room - (finalAck ? encodedFrameSize(finalAck) : 0) - encodedFrameSize(close);
      if (closeRoom > 16) this.fillStreams(frames, closeRoom);
      frames.push(close);
      const closing = this.closing;
      this.closing = undefined;
      const packet = this.finish(frames, NO_FRAMES, false, now);
      this.closed = true;
      this.events.push({ kind: 'closed', code: closing.code, reason: closing.reason, byPeer: false });
      return packet;
    }

    const probing = this.probesDue > 0;
    const mayAddData = probing || this.cc.available >= Math.min(this.maxPayload, this.cc.window / 2);
    if (ack && (wantAck || mayAddData)) {
      frames.push(ack);
      room -= encodedFrameSize(ack);
    }
    const control: Frame[] = [];
    if (mayAddData) {
      while (this.controlQueue.length && encodedFrameSize(this.controlQueue[0]) <= room) {
        const f = this.controlQueue.shift() as Frame;
        frames.push(f);
        control.push(f);
        room -= encodedFrameSize(f);
      }
      this.fillStreams(frames, room);
    }
    const ackEliciting = frames.some((f) => f.type !== 'ACK' && f.type !== 'PATH_RESPONSE' && f.type !== 'PATH_CHALLENGE') || extra.length > 0;
    if ((probing || this.pingDue) && !ackEliciting) frames.push({ type: 'PING' });
    this.pingDue = false;
    if (frames.length === 0) return null;
    if (!wantAck && frames.every((f) => f.type === 'ACK')) return null;
    const eliciting = frames.some((f) => f.type !== 'ACK');
    if (probing && eliciting) this.probesDue--;
    return this.finish(frames, control, eliciting, now);
  }

  private finish(frames: Frame[], control: readonly Frame[], ackEliciting: boolean, now: number): BuiltPacket {
    const { packet, payload } = writePacket(frames);
    const size = payload.length;
    const pn = this.nextPn++;
    if (frames.some((f) => f.type === 'ACK')) {
      this.ackNow = false;
      this.ackDeadline = undefined;
      this.unackedEliciting = 0;
    }
    const wireSize = size + DATA_HEADER_SIZE + AEAD_TAG_SIZE;
    this.stats.packetsSent++;
    this.stats.bytesSent += wireSize;
    if (ackEliciting) {
      // Shared empty list for the usual packet without control frames: one object less per packet in flight.
      const sent: SentPacket = {
        pn,
        timeSent: now,
        size: wireSize,
        ackEliciting,
        streamId: -1,
        offset: 0,
        length: 0,
        moreStreams: undefined,
        control: control.length ? control : NO_FRAMES,
      };
      for (const f of frames) {
        if (f.type !== 'STREAM') continue;
        if (sent.streamId < 0) {
          sent.streamId = f.streamId;
          sent.offset = f.offset;
          sent.length = f.data.length;
        } else (sent.moreStreams ??= []).push({ streamId: f.streamId, offset: f.offset, length: f.data.length });
      }
      this.sent.add(sent);
      this.cc.onSent(wireSize);
      this.timeOfLastAckEliciting = now;
    }
    return { pn, payload, packet };
  }

  /** Strict priority by stream class (control, chat, file, bulk), round-robin within a class. */
  private fillStreams(frames: Frame[], room: number): void {
    for (let cls = 0; cls < STREAM_CLASS_COUNT && room > 8; cls++) {
      const ids = this.streamsOfClass(cls);
      if (ids.length === 0) continue;
      let start = 0;
      while (start < ids.length && ids[start] <= this.rrCursor[cls]) start++;
      if (start === ids.length) start = 0;
      for (let k = 0; k < ids.length && room > 8; k++) {
        const id = ids[(start + k) % ids.length];
        const stream = this.sendStreams.get(id) as SendStream;
        const credit = this.peerMaxData - this.freshBytesSent;
        if (!stream.wantsToSend(credit)) continue;
        const overhead = streamFrameOverhead(id, Number.MAX_SAFE_INTEGER, room);
        const piece = stream.take(room - overhead, credit);
        if (!piece) continue;
        this.freshBytesSent += piece.fresh;
        const frame: Frame = { type: 'STREAM', streamId: id, offset: piece.offset, data: piece.data };
        frames.push(frame);
        room -= encodedFrameSize(frame);
        this.rrCursor[cls] = id;
      }
    }
  }

  private classIds: number[][] | undefined;

  /** Stream ids of one priority class, ascending (cached; streams come and go rarely). */
  private streamsOfClass(cls: number): number[] {
    if (!this.classIds) {
      this.classIds = Array.from({ length: STREAM_CLASS_COUNT }, () => []);
      for (const id of this.sendStreams.keys()) this.classIds[id % STREAM_CLASS_COUNT].push(id);
      for (const ids of this.classIds) ids.sort((a, b) => a - b);
    }
    return this.classIds[cls];
  }

  private ackFrame(now: number): Frame | undefined {
    const list = this.received.list();
    if (list.length === 0) return undefined;
    const ranges: AckRange[] = [];
    for (let i = list.length - 1; i >= 0 && ranges.length < MAX_ACK_RANGES; i--) {
      ranges.push({ smallest: list[i].start, largest: list[i].end - 1 });
    }
    const delayUs = Math.max(0, Math.round((now - this.largestReceivedAt) * 1000));
    return { type: 'ACK', ackDelayUs: delayUs, ranges };
  }

  private sendStream(id: number): SendStream {
    let s = this.sendStreams.get(id);
    if (!s) {
      if (this.sendStreams.size >= MAX_STREAMS) throw new FlowControlError('too many streams');
      s = new SendStream(id, this.streamWindow);
      this.sendStreams.set(id, s);
      this.classIds = undefined;
    }
    return s;
  }

  private recvStream(id: number): RecvStream {
    let s = this.recvStreams.get(id);
    if (!s) {
      if (this.recvStreams.size >= MAX_STREAMS) throw new FlowControlError('too many streams');
      s = new RecvStream(id, this.streamWindow);
      this.recvStreams.set(id, s);
    }
    return s;
  }

  /**
   * Forgets a stream's state once the application is done with it (a client session on the local link
   * closed). Unsent data is discarded; the peer must not use the stream id again.
   */
  dropStream(id: number): void {
    this.droppedStreams.add(id);
    // Bounded memory: the oldest dropped ids are forgotten first (ids are never reused in practice,
    // and anything that old has long stopped arriving).
    if (this.droppedStreams.size > MAX_DROPPED_STREAMS) this.droppedStreams.delete(this.droppedStreams.values().next().value as number);
    if (this.sendStreams.delete(id)) this.classIds = undefined;
    const r = this.recvStreams.get(id);
    if (r) {
      this.recvStreams.delete(id);
      // Credit held by the dropped stream is returned to the connection window.
      const unreleased = r.highestReceived - r.released;
      if (unreleased > 0) this.releasedTotal += unreleased;
    }
  }

  snapshot(): ConnectionStats {
    return {
      ...this.stats,
      rttMs: this.rtt.smoothed,
      cwnd: this.cc.window,
      bytesInFlight: this.cc.bytesInFlight,
    };
  }
}
