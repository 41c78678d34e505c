// Sliding-window replay filter (RFC 6479, as in wireguard-go's replay.go): a ring of 64-bit words in which
// only whole words are cleared as the window moves forward, so advancing costs O(words skipped), not O(bits).
//
// Counters are bigint because the transport counter is 64 bits on the wire and a JS number is exact only
// up to 2^53. Use: isPossiblyValid() as a cheap pre-check BEFORE decrypting; checkAndAccept() only AFTER
// the packet authenticated, so forged packets can never move the window.
import { REPLAY_COUNTER_LIMIT, REPLAY_RING_WORDS, REPLAY_WINDOW_SIZE, REPLAY_WORD_BITS } from './constants';

const WORD_BITS = BigInt(REPLAY_WORD_BITS);
const RING_WORDS = BigInt(REPLAY_RING_WORDS);
const WINDOW = BigInt(REPLAY_WINDOW_SIZE);

export class ReplayWindow {
  /** How many counters behind the newest one are still tracked (4032). */
  static readonly WINDOW_SIZE = REPLAY_WINDOW_SIZE;

  private readonly ring = new BigUint64Array(REPLAY_RING_WORDS);
  private newest = 0n;
  private readonly limit: bigint;

  /** `limit`: counters at or above it are always rejected (e.g. the protocol's reject-after-messages). */
  constructor(limit: bigint = REPLAY_COUNTER_LIMIT) {
    this.limit = limit;
  }

  /** Non-mutating: false if the counter is certainly a replay, too old or out of range. */
  isPossiblyValid(counter: bigint): boolean {
    if (counter < 0n || counter >= this.limit) return false;
    if (counter > this.newest) return true;
    if (this.newest - counter > WINDOW) return false;
    return (this.ring[this.wordIndex(counter)] & this.bitMask(counter)) === 0n;
  }

  /** Record an authenticated counter. Returns false (and changes nothing useful) if it is a replay or too old. */
  checkAndAccept(counter: bigint): boolean {
    if (counter < 0n || counter >= this.limit) return false;
    if (counter > this.newest) {
      // Clear every word the window slides over; at most the whole ring.
      const currentWord = this.newest / WORD_BITS;
      let wordsToClear = counter / WORD_BITS - currentWord;
      if (wordsToClear > RING_WORDS) wordsToClear = RING_WORDS;
      for (let i = 1n; i <= wordsToClear; i++) this.ring[Number((currentWord + i) % RING_WORDS)] = 0n;
      this.newest = counter;
    } else if (this.newest - counter > WINDOW) {
      return false;
    }
    const index = this.wordIndex(counter);
    const mask = this.bitMask(counter);
    const before = this.ring[index];
    this.ring[index] = before | mask;
    return (before & mask) === 0n;
  }

  /** Forget everything (new session keys start counting from 0 again). */
  reset(): void {
    this.ring.fill(0n);
    this.newest = 0n;
  }

  private wordIndex(counter: bigint): number {
    return Number((counter / WORD_BITS) % RING_WORDS);
  }

  private bitMask(counter: bigint): bigint {
    return 1n << counter % WORD_BITS;
  }
}
