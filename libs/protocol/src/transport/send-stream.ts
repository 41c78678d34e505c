/**
 * The sending half of one stream: an ordered byte stream made of length-prefixed messages.
 * Keeps every byte until the peer acknowledges it, hands out fresh data within the peer's flow-control
 * limit, and re-sends ranges the loss detector declared lost.
 */
import { RangeSet } from './range-set';

interface Chunk {
  offset: number;
  data: Buffer;
}

export class SendStream {
  /** Bytes written by the application (the next message starts here). */
  private writeOffset = 0;
  /** Everything below this has been sent at least once. */
  private sentOffset = 0;
  /** Everything below this is acknowledged and freed. */
  private ackedOffset = 0;
  private readonly acked = new RangeSet();
  private readonly toRetransmit = new RangeSet();
  private chunks: Chunk[] = [];
  private chunkHead = 0;
  /** Flow-control limit the peer granted (MAX_STREAM_DATA). */
  peerMax: number;

  constructor(
    readonly id: number,
    initialPeerMax: number,
  ) {
    this.peerMax = initialPeerMax;
  }

  /** Queues one message; the 4-byte big-endian length prefix lets the receiver split the stream again. */
  writeMessage(message: Uint8Array): void {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(message.length, 0);
    this.push(prefix);
    if (message.length > 0) this.push(Buffer.from(message.buffer, message.byteOffset, message.length));
  }

  private push(data: Buffer): void {
    this.chunks.push({ offset: this.writeOffset, data });
    this.writeOffset += data.length;
  }

  /** Bytes queued and not yet acknowledged (what the application should watch for backpressure). */
  get buffered(): number {
    return this.writeOffset - this.ackedOffset;
  }

  get unsent(): number {
    return this.writeOffset - this.sentOffset;
  }

  get hasRetransmission(): boolean {
    return this.toRetransmit.size > 0;
  }

  /** True when there is something this stream could put in a packet given `connectionCredit`. */
  wantsToSend(connectionCredit: number): boolean {
    if (this.toRetransmit.size > 0) return true;
    return this.writeOffset > this.sentOffset && this.peerMax > this.sentOffset && connectionCredit > 0;
  }

  /**
   * Takes up to `maxBytes` to send: lost ranges first (they need no new credit), then fresh data.
   * Returns the fresh byte count separately so the connection can charge its own credit.
   */
  take(maxBytes: number, connectionCredit: number): { offset: number; data: Buffer; fresh: number } | null {
    if (maxBytes <= 0) return null;
    const lost = this.toRetransmit.first();
    if (lost) {
      const end = Math.min(lost.end, lost.start + maxBytes);
      this.toRetransmit.remove(lost.start, end);
      return { offset: lost.start, data: this.read(lost.start, end), fresh: 0 };
    }
    const limit = Math.min(this.writeOffset, this.peerMax, this.sentOffset + connectionCredit, this.sentOffset + maxBytes);
    if (limit <= this.sentOffset) return null;
    const start = this.sentOffset;
    this.sentOffset = limit;
    return { offset: start, data: this.read(start, limit), fresh: limit - start };
  }

  onAcked(offset: number, length: number): void {
    this.acked.add(offset, offset + length);
    this.toRetransmit.remove(offset, offset + length);
    const contiguous = this.acked.contiguousEnd(this.ackedOffset);
    if (contiguous > this.ackedOffset) {
      this.ackedOffset = contiguous;
      this.acked.dropBelow(contiguous);
      this.freeBelow(contiguous);
    }
  }

  onLost(offset: number, length: number): void {
    for (const gap of this.acked.gaps(Math.max(offset, this.ackedOffset), offset + length)) {
      this.toRetransmit.add(gap.start, gap.end);
    }
  }

  /** Copies [start, end) out of the retained chunks (a packet never spans more than a few chunks). */
  private read(start: number, end: number): Buffer {
    let i = this.findChunk(start);
    const first = this.chunks[i];
    if (first.offset + first.data.length >= end) {
      return first.data.subarray(start - first.offset, end - first.offset);
    }
    const out = Buffer.allocUnsafe(end - start);
    let pos = start;
    while (pos < end) {
      const c = this.chunks[i++];
      const from = pos - c.offset;
      const to = Math.min(c.data.length, end - c.offset);
      c.data.copy(out, pos - start, from, to);
      pos += to - from;
    }
    return out;
  }

  private findChunk(offset: number): number {
    let lo = this.chunkHead;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.chunks[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private freeBelow(offset: number): void {
    while (this.chunkHead < this.chunks.length) {
      const c = this.chunks[this.chunkHead];
      if (c.offset + c.data.length > offset) break;
      this.chunkHead++;
    }
    // Compact now and then so the array does not grow without bound on long-lived streams.
    if (this.chunkHead > 1024 && this.chunkHead * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.chunkHead);
      this.chunkHead = 0;
    }
  }
}
