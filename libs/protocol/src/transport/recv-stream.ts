/**
 * The receiving half of one stream: reassembles out-of-order STREAM frames into the byte stream,
 * splits it into the length-prefixed messages, and enforces the flow-control limit it advertised.
 */
import { MAX_STREAM_MESSAGE } from './constants';
import { RangeSet } from './range-set';

const EMPTY = Buffer.alloc(0);

export class FlowControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowControlError';
  }
}

export class RecvStream {
  private readonly received = new RangeSet();
  private readonly pending = new Map<number, Buffer>();
  /** Everything below this was handed to the message assembler. */
  private readOffset = 0;
  /** Highest offset seen (what counts against connection flow control). */
  highestReceived = 0;
  /** Bytes the application has finished with: the window slides with this. */
  released = 0;
  /** Limit we advertised to the peer. */
  advertisedMax: number;

  private partial: Buffer[] = [];
  private partialBytes = 0;
  private expected = -1;

  constructor(
    readonly id: number,
    private readonly window: number,
  ) {
    this.advertisedMax = window;
  }

  /**
   * Accepts one STREAM frame. Returns the complete messages it made available (possibly none) and how
   * much the stream's highest offset grew (for the connection-level limit).
   */
  onData(offset: number, data: Buffer): { messages: Buffer[]; grew: number } {
    const end = offset + data.length;
    if (end > this.advertisedMax) throw new FlowControlError(`stream ${this.id} exceeded its flow-control limit`);
    const grew = Math.max(0, end - this.highestReceived);
    this.highestReceived = Math.max(this.highestReceived, end);
    if (offset === this.readOffset && this.pending.size === 0) {
      // In order with nothing waiting (every frame of a loss-free transfer): straight to the assembler.
      // With nothing pending, `received` holds nothing above readOffset, so it has nothing to record.
      const messages: Buffer[] = [];
      this.readOffset = end;
      this.assemble(data, messages);
      return { messages, grew };
    }
    for (const gap of this.received.gaps(Math.max(offset, this.readOffset), end)) {
      this.pending.set(gap.start, data.subarray(gap.start - offset, gap.end - offset));
      this.received.add(gap.start, gap.end);
    }
    const messages: Buffer[] = [];
    let chunk = this.pending.get(this.readOffset);
    while (chunk) {
      this.pending.delete(this.readOffset);
      this.readOffset += chunk.length;
      this.assemble(chunk, messages);
      chunk = this.pending.get(this.readOffset);
    }
    this.received.dropBelow(this.readOffset);
    return { messages, grew };
  }

  private assemble(chunk: Buffer, out: Buffer[]): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.expected < 0) {
        let length: number;
        if (this.partialBytes === 0 && data.length >= 4) {
          length = data.readUInt32BE(0);
          data = data.subarray(4);
        } else {
          // The 4-byte prefix is split across frames.
          const take = data.subarray(0, 4 - this.partialBytes);
          this.partial.push(take);
          this.partialBytes += take.length;
          data = data.subarray(take.length);
          if (this.partialBytes < 4) return;
          length = Buffer.concat(this.partial).readUInt32BE(0);
          this.partial = [];
          this.partialBytes = 0;
        }
        if (length > MAX_STREAM_MESSAGE) throw new FlowControlError(`stream ${this.id} message of ${length} bytes exceeds the limit`);
        this.expected = length;
        if (length === 0) {
          out.push(Buffer.alloc(0));
          this.expected = -1;
        }
        continue;
      }
      const need = this.expected - this.partialBytes;
      // A chunk that ends inside the message is kept whole (no subarray to make).
      const take = data.length <= need ? data : data.subarray(0, need);
      this.partial.push(take);
      this.partialBytes += take.length;
      data = take === data ? EMPTY : data.subarray(take.length);
      if (this.partialBytes === this.expected) {
        // One copy, so the message does not pin the packet buffers it came in.
        out.push(this.partial.length === 1 ? Buffer.from(this.partial[0]) : Buffer.concat(this.partial, this.partialBytes));
        this.partial = [];
        this.partialBytes = 0;
        this.expected = -1;
      }
    }
  }

  /** The application finished with `bytes` more (message bytes plus their 4-byte prefixes). */
  release(bytes: number): void {
    this.released += bytes;
  }

  /** A new limit to advertise once half the window is used, else undefined. */
  windowUpdate(): number | undefined {
    const target = this.released + this.window;
    if (target - this.advertisedMax >= this.window / 2) {
      this.advertisedMax = target;
      return target;
    }
    return undefined;
  }
}
