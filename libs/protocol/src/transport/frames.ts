/**
 * Frames carried inside the encrypted payload of a data packet (layouts in docs/protocol.md §Frames).
 * All integers are QUIC varints unless noted. A packet is a sequence of frames; PADDING runs to the end.
 */
import { Reader, varintLength, writeVarint } from './varint';

export const FrameType = {
  PADDING: 0x00,
  PING: 0x01,
  ACK: 0x02,
  STREAM: 0x08,
  MAX_DATA: 0x10,
  MAX_STREAM_DATA: 0x11,
  PATH_CHALLENGE: 0x1a,
  PATH_RESPONSE: 0x1b,
  CLOSE: 0x1c,
  REKEY: 0x20,
} as const;

export interface AckRange {
  /** Inclusive smallest packet number of the range. */
  smallest: number;
  /** Inclusive largest packet number of the range. */
  largest: number;
}

export type Frame =
  | { type: 'PING' }
  | { type: 'ACK'; ackDelayUs: number; ranges: AckRange[] /* descending */ }
  | { type: 'STREAM'; streamId: number; offset: number; data: Buffer }
  | { type: 'MAX_DATA'; max: number }
  | { type: 'MAX_STREAM_DATA'; streamId: number; max: number }
  | { type: 'PATH_CHALLENGE'; data: Buffer }
  | { type: 'PATH_RESPONSE'; data: Buffer }
  | { type: 'CLOSE'; code: number; reason: string }
  | { type: 'REKEY'; phase: 'init' | 'resp'; epoch: number; senderIndex: number; ephemeral: Buffer };

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export const PATH_CHALLENGE_SIZE = 8;
export const REKEY_EPHEMERAL_SIZE = 32;
const MAX_CLOSE_REASON = 200;

/** Bytes a STREAM frame header takes before its data. */
export function streamFrameOverhead(streamId: number, offset: number, length: number): number {
  return 1 + varintLength(streamId) + varintLength(offset) + varintLength(length);
}

export function encodedFrameSize(frame: Frame): number {
  switch (frame.type) {
    case 'PING':
      return 1;
    case 'ACK': {
      const [first, ...rest] = frame.ranges;
      let size = 1 + varintLength(first.largest) + varintLength(frame.ackDelayUs) + varintLength(rest.length);
      size += varintLength(first.largest - first.smallest);
      let prevSmallest = first.smallest;
      for (const r of rest) {
        size += varintLength(prevSmallest - r.largest - 2) + varintLength(r.largest - r.smallest);
        prevSmallest = r.smallest;
      }
      return size;
    }
    case 'STREAM':
      return streamFrameOverhead(frame.streamId, frame.offset, frame.data.length) + frame.data.length;
    case 'MAX_DATA':
      return 1 + varintLength(frame.max);
    case 'MAX_STREAM_DATA':
      return 1 + varintLength(frame.streamId) + varintLength(frame.max);
    case 'PATH_CHALLENGE':
    case 'PATH_RESPONSE':
      return 1 + PATH_CHALLENGE_SIZE;
    case 'CLOSE': {
      const reason = Buffer.byteLength(frame.reason.slice(0, MAX_CLOSE_REASON));
      return 1 + varintLength(frame.code) + varintLength(reason) + reason;
    }
    case 'REKEY':
      return 1 + 1 + 4 + 4 + REKEY_EPHEMERAL_SIZE;
  }
}

/** Writes `frame` into `buf` at `offset`; returns the new offset. The caller sized `buf` with encodedFrameSize. */
export function writeFrame(buf: Buffer, offset: number, frame: Frame): number {
  let o = offset;
  switch (frame.type) {
    case 'PING':
      buf[o++] = FrameType.PING;
      return o;
    case 'ACK': {
      const [first, ...rest] = frame.ranges;
      buf[o++] = FrameType.ACK;
      o = writeVarint(buf, o, first.largest);
      o = writeVarint(buf, o, frame.ackDelayUs);
      o = writeVarint(buf, o, rest.length);
      o = writeVarint(buf, o, first.largest - first.smallest);
      let prevSmallest = first.smallest;
      for (const r of rest) {
        o = writeVarint(buf, o, prevSmallest - r.largest - 2);
        o = writeVarint(buf, o, r.largest - r.smallest);
        prevSmallest = r.smallest;
      }
      return o;
    }
    case 'STREAM':
      buf[o++] = FrameType.STREAM;
      o = writeVarint(buf, o, frame.streamId);
      o = writeVarint(buf, o, frame.offset);
      o = writeVarint(buf, o, frame.data.length);
      frame.data.copy(buf, o);
      return o + frame.data.length;
    case 'MAX_DATA':
      buf[o++] = FrameType.MAX_DATA;
      return writeVarint(buf, o, frame.max);
    case 'MAX_STREAM_DATA':
      buf[o++] = FrameType.MAX_STREAM_DATA;
      o = writeVarint(buf, o, frame.streamId);
      return writeVarint(buf, o, frame.max);
    case 'PATH_CHALLENGE':
    case 'PATH_RESPONSE':
      buf[o++] = frame.type === 'PATH_CHALLENGE' ? FrameType.PATH_CHALLENGE : FrameType.PATH_RESPONSE;
      frame.data.copy(buf, o, 0, PATH_CHALLENGE_SIZE);
      return o + PATH_CHALLENGE_SIZE;
    case 'CLOSE': {
      const reason = Buffer.from(frame.reason.slice(0, MAX_CLOSE_REASON), 'utf8');
      buf[o++] = FrameType.CLOSE;
      o = writeVarint(buf, o, frame.code);
      o = writeVarint(buf, o, reason.length);
      reason.copy(buf, o);
      return o + reason.length;
    }
    case 'REKEY':
      buf[o++] = FrameType.REKEY;
      buf[o++] = frame.phase === 'init' ? 0 : 1;
      buf.writeUInt32BE(frame.epoch, o);
      o += 4;
      buf.writeUInt32BE(frame.senderIndex, o);
      o += 4;
      frame.ephemeral.copy(buf, o, 0, REKEY_EPHEMERAL_SIZE);
      return o + REKEY_EPHEMERAL_SIZE;
  }
}

export function encodeFrames(frames: Frame[]): Buffer {
  const size = frames.reduce((n, f) => n + encodedFrameSize(f), 0);
  const buf = Buffer.alloc(size);
  let o = 0;
  for (const f of frames) o = writeFrame(buf, o, f);
  return buf;
}

/**
 * Parses a decrypted payload. Throws FrameError on anything malformed; the caller treats that as a
 * protocol violation by an authenticated peer (a bug or an attack), never as a crash.
 */
export function decodeFrames(payload: Buffer): Frame[] {
  const r = new Reader(payload);
  const frames: Frame[] = [];
  try {
    while (r.remaining > 0) {
      const type = r.u8();
      switch (type) {
        case FrameType.PADDING:
          r.offset = payload.length;
          break;
        case FrameType.PING:
          frames.push({ type: 'PING' });
          break;
        case FrameType.ACK: {
          const largest = r.varint();
          const ackDelayUs = r.varint();
          const extra = r.varint();
          if (extra > 1024) throw new FrameError('too many ACK ranges');
          const firstLen = r.varint();
          if (firstLen > largest) throw new FrameError('ACK range below zero');
          const ranges: AckRange[] = [{ largest, smallest: largest - firstLen }];
          let smallest = largest - firstLen;
          for (let i = 0; i < extra; i++) {
            const gap = r.varint();
            const len = r.varint();
            const top = smallest - gap - 2;
            if (top < 0 || len > top) throw new FrameError('ACK range below zero');
            ranges.push({ largest: top, smallest: top - len });
            smallest = top - len;
          }
          frames.push({ type: 'ACK', ackDelayUs, ranges });
          break;
        }
        case FrameType.STREAM: {
          const streamId = r.varint();
          const offset = r.varint();
          const length = r.varint();
          const data = r.bytes(length);
          frames.push({ type: 'STREAM', streamId, offset, data });
          break;
        }
        case FrameType.MAX_DATA:
          frames.push({ type: 'MAX_DATA', max: r.varint() });
          break;
        case FrameType.MAX_STREAM_DATA:
          frames.push({ type: 'MAX_STREAM_DATA', streamId: r.varint(), max: r.varint() });
          break;
        case FrameType.PATH_CHALLENGE:
          frames.push({ type: 'PATH_CHALLENGE', data: Buffer.from(r.bytes(PATH_CHALLENGE_SIZE)) });
          break;
        case FrameType.PATH_RESPONSE:
          frames.push({ type: 'PATH_RESPONSE', data: Buffer.from(r.bytes(PATH_CHALLENGE_SIZE)) });
          break;
        case FrameType.CLOSE: {
          const code = r.varint();
          const len = r.varint();
          if (len > MAX_CLOSE_REASON * 4) throw new FrameError('CLOSE reason too long');
          frames.push({ type: 'CLOSE', code, reason: r.bytes(len).toString('utf8') });
          break;
        }
        case FrameType.REKEY: {
          const phase = r.u8();
          if (phase > 1) throw new FrameError('bad REKEY phase');
          const epoch = r.u32();
          const senderIndex = r.u32();
          const ephemeral = Buffer.from(r.bytes(REKEY_EPHEMERAL_SIZE));
          frames.push({ type: 'REKEY', phase: phase === 0 ? 'init' : 'resp', epoch, senderIndex, ephemeral });
          break;
        }
        default:
          throw new FrameError(`unknown frame type 0x${type.toString(16)}`);
      }
    }
  } catch (err) {
    if (err instanceof FrameError) throw err;
    throw new FrameError((err as Error).message);
  }
  return frames;
}
