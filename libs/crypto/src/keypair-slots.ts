// previous / current / next transport keypairs, after wireguard-go's keypair.go and noise-protocol.go:
// * the initiator starts using a new keypair at once (setCurrent);
// * the responder parks it in `next` until the first packet arrives under it (installNext, then
//   promoteNext), because until then it cannot know the initiator received its handshake response;
// * `previous` keeps the old keypair so packets still in flight under it can be decrypted.
// Every keypair that drops out of all three slots goes through onErase so its key bytes can be zeroed.

export interface TimedKeypair {
  /** When the keypair was derived (ms), for expiry. */
  createdAt: number;
}

export type KeypairSlotName = 'previous' | 'current' | 'next';

export interface KeypairSlotsOptions<T> {
  /** Called exactly once for every keypair that leaves the slots; zero its key bytes here (`key.fill(0)`). */
  onErase: (keypair: T) => void;
}

export class KeypairSlots<T extends TimedKeypair> {
  private previousKeypair: T | null = null;
  private currentKeypair: T | null = null;
  private nextKeypair: T | null = null;
  private readonly onErase: (keypair: T) => void;

  constructor(options: KeypairSlotsOptions<T>) {
    this.onErase = options.onErase;
  }

  get previous(): T | null {
    return this.previousKeypair;
  }

  get current(): T | null {
    return this.currentKeypair;
  }

  get next(): T | null {
    return this.nextKeypair;
  }

  /** Initiator side: a fresh keypair is used immediately. */
  setCurrent(keypair: T): void {
    if (this.nextKeypair) {
      // An unconfirmed `next` is newer than `current`, so it is the better fallback for in-flight packets.
      this.erase(this.previousKeypair);
      this.erase(this.currentKeypair);
      this.previousKeypair = this.nextKeypair;
      this.nextKeypair = null;
    } else {
      this.erase(this.previousKeypair);
      this.previousKeypair = this.currentKeypair;
    }
    this.currentKeypair = keypair;
  }

  /**
   * Responder side: park the keypair until the peer confirms it. As in WireGuard, `previous` is dropped
   * too: after promotion `current` becomes the new `previous`, and at most three keypairs ever exist.
   */
  installNext(keypair: T): void {
    this.erase(this.nextKeypair);
    this.erase(this.previousKeypair);
    this.previousKeypair = null;
    this.nextKeypair = keypair;
  }

  /** The peer used `next`: make it current. Returns false if there was no `next`. */
  promoteNext(): boolean {
    if (!this.nextKeypair) return false;
    this.erase(this.previousKeypair);
    this.previousKeypair = this.currentKeypair;
    this.currentKeypair = this.nextKeypair;
    this.nextKeypair = null;
    return true;
  }

  /** The first keypair (current, then next, then previous) matching `predicate`, with its slot. */
  findByIndex(predicate: (keypair: T) => boolean): { slot: KeypairSlotName; keypair: T } | null {
    const candidates: [KeypairSlotName, T | null][] = [
      ['current', this.currentKeypair],
      ['next', this.nextKeypair],
      ['previous', this.previousKeypair],
    ];
    for (const [slot, keypair] of candidates) {
      if (keypair && predicate(keypair)) return { slot, keypair };
    }
    return null;
  }

  /** Erase every keypair with `now - createdAt >= maxAgeMs`; returns how many were erased. */
  eraseExpired(now: number, maxAgeMs: number): number {
    const expired = (keypair: T | null): keypair is T => keypair !== null && now - keypair.createdAt >= maxAgeMs;
    let count = 0;
    if (expired(this.previousKeypair)) {
      this.erase(this.previousKeypair);
      this.previousKeypair = null;
      count++;
    }
    if (expired(this.currentKeypair)) {
      this.erase(this.currentKeypair);
      this.currentKeypair = null;
      count++;
    }
    if (expired(this.nextKeypair)) {
      this.erase(this.nextKeypair);
      this.nextKeypair = null;
      count++;
    }
    return count;
  }

  /** The grace period for packets in flight under `previous` is over: erase it. */
  erasePrevious(): void {
    this.erase(this.previousKeypair);
    this.previousKeypair = null;
  }

  /** Erase everything (session closed, peer revoked, compromise procedure). */
  eraseAll(): void {
    this.erase(this.previousKeypair);
    this.erase(this.currentKeypair);
    this.erase(this.nextKeypair);
    this.previousKeypair = this.currentKeypair = this.nextKeypair = null;
  }

  private erase(keypair: T | null): void {
    if (keypair) this.onErase(keypair);
  }
}
