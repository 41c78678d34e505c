// The pure part of the proxy: what happens to each datagram in one direction (drop, duplicate, hold
// back for reordering). Timing (delay, hold timeout) and sockets live in lossy-proxy.ts.
import type { Random } from './prng';

export interface ImpairmentSettings {
  /** probability a datagram is dropped, 0..1 */
  loss: number;
  /** probability a forwarded datagram is sent twice, 0..1 */
  duplicate: number;
  /** probability a datagram is held back and sent after the next one(s), 0..1 */
  reorder: number;
}

export interface DirectionStats {
  received: number;
  dropped: number;
  /** datagrams sent on, duplicates included */
  forwarded: number;
  duplicated: number;
  reordered: number;
}

export function checkProbability(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new RangeError(`${name} must be a probability from 0 to 1, got ${value}`);
  return value;
}

export class Impairment {
  private held: Buffer[] = [];
  private settings: ImpairmentSettings;
  readonly stats: DirectionStats = { received: 0, dropped: 0, forwarded: 0, duplicated: 0, reordered: 0 };

  constructor(
    private readonly random: Random,
    settings: ImpairmentSettings,
  ) {
    this.settings = { ...settings };
    this.update(settings);
  }

  update(settings: Partial<ImpairmentSettings>): void {
    const next = { ...this.settings, ...settings };
    checkProbability('loss', next.loss);
    checkProbability('duplicate', next.duplicate);
    checkProbability('reorder', next.reorder);
    this.settings = next;
  }

  get current(): ImpairmentSettings {
    return { ...this.settings };
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  /** Returns the datagrams to send now, in order. */
  push(datagram: Buffer): Buffer[] {
    this.stats.received += 1;
    // Always draw three numbers, so the loss pattern for a seed does not depend on the other settings.
    const lossDraw = this.random();
    const duplicateDraw = this.random();
    const reorderDraw = this.random();
    if (lossDraw < this.settings.loss) {
      this.stats.dropped += 1;
      return [];
    }
    const copies = duplicateDraw < this.settings.duplicate ? [datagram, datagram] : [datagram];
    if (copies.length === 2) this.stats.duplicated += 1;
    if (reorderDraw < this.settings.reorder) {
      this.stats.reordered += 1;
      this.held.push(...copies);
      return [];
    }
    return this.emit([...copies, ...this.takeHeld()]);
  }

  /** Releases held datagrams when no later datagram came to overtake them. */
  flushHeld(): Buffer[] {
    return this.emit(this.takeHeld());
  }

  private takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private emit(datagrams: Buffer[]): Buffer[] {
    this.stats.forwarded += datagrams.length;
    return datagrams;
  }
}
