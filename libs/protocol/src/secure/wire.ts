/**
 * Byte layouts of the four packet types (docs/protocol.md §Packets). Every function here is a pure
 * parse or build; a parse returns undefined for anything malformed so garbage is dropped silently.
 */
import { CREDENTIAL_ID_SIZE, MAC_SIZE, PacketType, TIMESTAMP_GRANULE_NS } from './constants';

export const DATA_HEADER_SIZE = 16;
export const COOKIE_REPLY_SIZE = 4 + 4 + 12 + 16 + 16;

export interface HandshakeInit {
  kind: number;
  senderIndex: number;
  credentialId: Buffer;
  noise: Buffer;
  /** Everything before mac1 / before mac2: the MACs cover these. */
  beforeMac1: Buffer;
  beforeMac2: Buffer;
  mac1: Buffer;
  mac2: Buffer;
  /** The clear header (type..credential id): the Noise prologue binds it. */
  header: Buffer;
}

const INIT_HEADER = 8 + CREDENTIAL_ID_SIZE;

export function buildInitHeader(kind: number, senderIndex: number, credentialId: Buffer): Buffer {
  const h = Buffer.alloc(INIT_HEADER);
  h[0] = PacketType.HANDSHAKE_INIT;
  h[1] = kind;
  h.writeUInt32BE(senderIndex, 4);
  credentialId.copy(h, 8, 0, CREDENTIAL_ID_SIZE);
  return h;
}

export function parseInit(buf: Buffer, noiseSize: number): HandshakeInit | undefined {
  if (buf.length !== INIT_HEADER + noiseSize + 2 * MAC_SIZE || buf[0] !== PacketType.HANDSHAKE_INIT) return undefined;
  if (buf[2] !== 0 || buf[3] !== 0) return undefined;
  const macAt = INIT_HEADER + noiseSize;
  return {
    kind: buf[1],
    senderIndex: buf.readUInt32BE(4),
    credentialId: buf.subarray(8, INIT_HEADER),
    noise: buf.subarray(INIT_HEADER, macAt),
    header: buf.subarray(0, INIT_HEADER),
    beforeMac1: buf.subarray(0, macAt),
    beforeMac2: buf.subarray(0, macAt + MAC_SIZE),
    mac1: buf.subarray(macAt, macAt + MAC_SIZE),
    mac2: buf.subarray(macAt + MAC_SIZE),
  };
}

export interface HandshakeResp {
  senderIndex: number;
  receiverIndex: number;
  noise: Buffer;
  header: Buffer;
  beforeMac1: Buffer;
  beforeMac2: Buffer;
  mac1: Buffer;
  mac2: Buffer;
}

const RESP_HEADER = 12;

export function buildRespHeader(senderIndex: number, receiverIndex: number): Buffer {
  const h = Buffer.alloc(RESP_HEADER);
  h[0] = PacketType.HANDSHAKE_RESP;
  h.writeUInt32BE(senderIndex, 4);
  h.writeUInt32BE(receiverIndex, 8);
  return h;
}

export function parseResp(buf: Buffer, noiseSize: number): HandshakeResp | undefined {
  if (buf.length !== RESP_HEADER + noiseSize + 2 * MAC_SIZE || buf[0] !== PacketType.HANDSHAKE_RESP) return undefined;
  const macAt = RESP_HEADER + noiseSize;
  return {
    senderIndex: buf.readUInt32BE(4),
    receiverIndex: buf.readUInt32BE(8),
    noise: buf.subarray(RESP_HEADER, macAt),
    header: buf.subarray(0, RESP_HEADER),
    beforeMac1: buf.subarray(0, macAt),
    beforeMac2: buf.subarray(0, macAt + MAC_SIZE),
    mac1: buf.subarray(macAt, macAt + MAC_SIZE),
    mac2: buf.subarray(macAt + MAC_SIZE),
  };
}

export interface CookieReply {
  receiverIndex: number;
  nonce: Buffer;
  sealedCookie: Buffer;
}

export function buildCookieReply(receiverIndex: number, nonce: Buffer, sealedCookie: Buffer): Buffer {
  const b = Buffer.alloc(COOKIE_REPLY_SIZE);
  b[0] = PacketType.COOKIE_REPLY;
  b.writeUInt32BE(receiverIndex, 4);
  nonce.copy(b, 8);
  sealedCookie.copy(b, 20);
  return b;
}

export function parseCookieReply(buf: Buffer): CookieReply | undefined {
  if (buf.length !== COOKIE_REPLY_SIZE || buf[0] !== PacketType.COOKIE_REPLY) return undefined;
  return { receiverIndex: buf.readUInt32BE(4), nonce: buf.subarray(8, 20), sealedCookie: buf.subarray(20) };
}

export interface DataHeader {
  receiverIndex: number;
  counter: number;
  /** The whole datagram: header (the associated data) || ciphertext || tag. */
  packet: Buffer;
}

/** Largest counter a JS number holds exactly: the high 32-bit word stays below 2^21. */
const MAX_COUNTER_HIGH_WORD = 0x1fffff;

/** Writes the 16-byte data header (type, 3 zero bytes, receiver index, 64-bit counter) at the start of `buf`. */
export function writeDataHeader(buf: Buffer, receiverIndex: number, counter: number): void {
  buf[0] = PacketType.DATA;
  buf[1] = 0;
  buf[2] = 0;
  buf[3] = 0;
  buf.writeUInt32BE(receiverIndex, 4);
  buf.writeUInt32BE(Math.floor(counter / 0x100000000), 8);
  buf.writeUInt32BE(counter >>> 0, 12);
}

export function parseData(buf: Buffer): DataHeader | undefined {
  if (buf.length < DATA_HEADER_SIZE + 16 || buf[0] !== PacketType.DATA) return undefined;
  // Two 32-bit reads instead of a BigInt: counters beyond 2^53 are never sent, so they are garbage.
  const high = buf.readUInt32BE(8);
  if (high > MAX_COUNTER_HIGH_WORD) return undefined;
  return { receiverIndex: buf.readUInt32BE(4), counter: high * 0x100000000 + buf.readUInt32BE(12), packet: buf };
}

const TAI64_LABEL = 2n ** 62n + 10n;

/**
 * TAI64N (8-byte TAI seconds label + 4-byte nanoseconds), the initiation timestamp WireGuard uses,
 * whitened like WireGuard's: the nanoseconds rounded down to a multiple of TIMESTAMP_GRANULE_NS.
 */
export function tai64n(unixMs: number): Buffer {
  const b = Buffer.alloc(12);
  const seconds = Math.floor(unixMs / 1000);
  const nanos = Math.floor((unixMs - seconds * 1000) * 1e6);
  b.writeBigUInt64BE(TAI64_LABEL + BigInt(seconds), 0);
  b.writeUInt32BE(nanos - (nanos % TIMESTAMP_GRANULE_NS), 8);
  return b;
}

/** The whitened TAI64N timestamp one granule after `t` (the nanoseconds carry into the seconds). */
export function nextTai64n(t: Buffer): Buffer {
  const b = Buffer.from(t);
  const nanos = b.readUInt32BE(8) + TIMESTAMP_GRANULE_NS;
  if (nanos < 1e9) {
    b.writeUInt32BE(nanos, 8);
  } else {
    b.writeBigUInt64BE(b.readBigUInt64BE(0) + 1n, 0);
    b.writeUInt32BE(0, 8);
  }
  return b;
}
