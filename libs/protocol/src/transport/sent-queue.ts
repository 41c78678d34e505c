/**
 * The packets in flight, in packet-number order. A Map would do functionally, but packets leave it
 * oldest first, and V8's Map leaves a hole for every deleted entry until it rehashes: finding the
 * oldest packet (every ACK, every loss check) then walks over thousands of holes on a bulk transfer.
 * Here a packet number indexes an array directly, and `head` skips the holes once.
 */
export interface HasPacketNumber {
  pn: number;
}

/** Compact the array once this many leading slots are empty and they are most of it. */
const COMPACT_AFTER = 1024;

export class SentPacketQueue<T extends HasPacketNumber> {
  private slots: (T | undefined)[] = [];
  /** Index of the oldest packet still in flight (== slots.length when none). */
  private head = 0;
  /** Packet number of slots[0]. */
  private base = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a packet; its number must be above every number added before (gaps are fine). */
  add(packet: T): void {
    if (this.count === 0) {
      this.slots.length = 0;
      this.head = 0;
      this.base = packet.pn;
    }
    const index = packet.pn - this.base;
    if (index < this.slots.length) throw new RangeError(`packet ${packet.pn} added out of order`);
    while (this.slots.length < index) this.slots.push(undefined);
    this.slots.push(packet);
    this.count++;
  }

  get(pn: number): T | undefined {
    const index = pn - this.base;
    return index >= this.head && index < this.slots.length ? this.slots[index] : undefined;
  }

  delete(pn: number): boolean {
    const index = pn - this.base;
    if (index < this.head || index >= this.slots.length || this.slots[index] === undefined) return false;
    this.slots[index] = undefined;
    this.count--;
    if (index === this.head) this.skipHoles();
    return true;
  }

  /** The oldest packet in flight. */
  oldest(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The next packet in flight after packet number `pn` (which may already be deleted). */
  after(pn: number): T | undefined {
    for (let i = Math.max(pn - this.base + 1, this.head); i < this.slots.length; i++) {
      const p = this.slots[i];
      if (p !== undefined) return p;
    }
    return undefined;
  }

  private skipHoles(): void {
    const slots = this.slots;
    let head = this.head;
    while (head < slots.length && slots[head] === undefined) head++;
    this.head = head;
    if (this.count === 0) {
      slots.length = 0;
      this.head = 0;
    } else if (head > COMPACT_AFTER && head * 2 > slots.length) {
      this.slots = slots.slice(head);
      this.base += head;
      this.head = 0;
    }
  }
}
