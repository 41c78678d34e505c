/**
 * QUIC variable-length integers (RFC 9000 §16): the two top bits of the first byte give the length
 * (1, 2, 4 or 8 bytes). Values here stay below 2^53 so they fit a JS number exactly.
 */
export const MAX_VARINT = Number.MAX_SAFE_INTEGER;

export function varintLength(value: number): number {
  if (value < 0x40) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x40000000) return 4;
  return 8;
}

/** Writes `value` at `offset`; returns the offset after it. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT) throw new RangeError(`varint out of range: ${value}`);
  if (value < 0x40) {
    buf[offset] = value;
    return offset + 1;
  }
  if (value < 0x4000) {
    buf.writeUInt16BE(value | 0x4000, offset);
    return offset + 2;
  }
  if (value < 0x40000000) {
    buf.writeUInt32BE((value | 0x80000000) >>> 0, offset);
    return offset + 4;
  }
  const high = Math.floor(value / 0x100000000);
  buf.writeUInt32BE((high | 0xc0000000) >>> 0, offset);
  buf.writeUInt32BE(value >>> 0, offset + 4);
  return offset + 8;
}

/** A cursor over a received buffer; every read throws `TruncatedError` past the end. */
export class Reader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  varint(): number {
    if (this.remaining < 1) throw new TruncatedError();
    const first = this.buf[this.offset];
    const len = 1 << (first >> 6);
    if (this.remaining < len) throw new TruncatedError();
    let value: number;
    if (len === 1) value = first & 0x3f;
    else if (len === 2) value = this.buf.readUInt16BE(this.offset) & 0x3fff;
    else if (len === 4) value = (this.buf.readUInt32BE(this.offset) & 0x3fffffff) >>> 0;
    else {
      const high = this.buf.readUInt32BE(this.offset) & 0x3fffffff;
      if (high > 0x1fffff) throw new TruncatedError('varint beyond 2^53');
      value = high * 0x100000000 + this.buf.readUInt32BE(this.offset + 4);
    }
    this.offset += len;
    return value;
  }

  u8(): number {
    if (this.remaining < 1) throw new TruncatedError();
    return this.buf[this.offset++];
  }

  u32(): number {
    if (this.remaining < 4) throw new TruncatedError();
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.remaining < n) throw new TruncatedError();
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

export class TruncatedError extends Error {
  constructor(message = 'truncated frame') {
    super(message);
    this.name = 'TruncatedError';
  }
}
