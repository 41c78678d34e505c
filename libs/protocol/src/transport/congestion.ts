/**
 * RTT estimation (RFC 9002 §5) and the NewReno congestion controller (RFC 9002 §7), in bytes.
 */
import {
  GRANULARITY_MS,
  INITIAL_WINDOW_PACKETS,
  LOSS_REDUCTION_FACTOR,
  MAX_ACK_DELAY_MS,
  MAX_DATAGRAM_SIZE,
  MINIMUM_WINDOW_PACKETS,
} from './constants';

export class RttEstimator {
  latest = 0;
  smoothed: number;
  variance: number;
  min = Infinity;
  hasSample = false;

  constructor(initialRttMs: number) {
    this.smoothed = initialRttMs;
    this.variance = initialRttMs / 2;
  }

  update(sampleMs: number, ackDelayMs: number): void {
    this.latest = Math.max(sampleMs, 0.01);
    this.min = Math.min(this.min, this.latest);
    if (!this.hasSample) {
      this.hasSample = true;
      this.smoothed = this.latest;
      this.variance = this.latest / 2;
      return;
    }
    // Subtract the peer's ack delay only when it leaves the sample above the minimum (RFC 9002 §5.3).
    const delay = Math.min(ackDelayMs, MAX_ACK_DELAY_MS);
    const adjusted = this.latest >= this.min + delay ? this.latest - delay : this.latest;
    this.variance = 0.75 * this.variance + 0.25 * Math.abs(this.smoothed - adjusted);
    this.smoothed = 0.875 * this.smoothed + 0.125 * adjusted;
  }

  /** Probe timeout without backoff (RFC 9002 §6.2.1). */
  pto(maxAckDelayMs: number = MAX_ACK_DELAY_MS): number {
    return this.smoothed + Math.max(4 * this.variance, GRANULARITY_MS) + maxAckDelayMs;
  }

  /** How long after a later packet is acknowledged an earlier one counts as lost (§6.1.2). */
  lossDelay(): number {
    return Math.max((9 / 8) * Math.max(this.latest, this.smoothed), GRANULARITY_MS);
  }
}

export class NewReno {
  window = INITIAL_WINDOW_PACKETS * MAX_DATAGRAM_SIZE;
  ssthresh = Infinity;
  bytesInFlight = 0;
  private recoveryStart = -Infinity;
  private readonly minimum = MINIMUM_WINDOW_PACKETS * MAX_DATAGRAM_SIZE;

  get available(): number {
    return Math.max(0, this.window - this.bytesInFlight);
  }

  onSent(bytes: number): void {
    this.bytesInFlight += bytes;
  }

  /**
   * RFC 9002 §7.8: a window the sender does not use (it ran out of data, or the receiver's flow control
   * held it back) must not grow, or a sender that later has data bursts a window it never tested into
   * the network. "Used" as in Linux's tcp_is_cwnd_limited: at least half of it in flight, so the window
   * stops growing once it is twice what the sender really keeps in flight (plus that round's growth).
   * Ask once per ACK frame, before its packets are taken out of flight.
   */
  get windowUsed(): boolean {
    return this.bytesInFlight >= this.window / 2;
  }

  /** `windowUsed`: the value of `windowUsed` when the ACK frame arrived. */
  onAcked(bytes: number, timeSent: number, windowUsed = true): void {
    this.bytesInFlight = Math.max(0, this.bytesInFlight - bytes);
    if (timeSent <= this.recoveryStart || !windowUsed) return; // no growth for packets sent before the last loss
    if (this.window < this.ssthresh) this.window += bytes;
    else this.window += (MAX_DATAGRAM_SIZE * bytes) / this.window;
  }

  /** A packet left the network without being acknowledged (lost or abandoned). */
  onRemoved(bytes: number): void {
    this.bytesInFlight = Math.max(0, this.bytesInFlight - bytes);
  }

  /** One congestion event per round trip: only losses of packets sent after the last reduction count. */
  onLoss(timeSentOfLargestLost: number, now: number): void {
    if (timeSentOfLargestLost <= this.recoveryStart) return;
    this.recoveryStart = now;
    this.ssthresh = Math.max(this.window * LOSS_REDUCTION_FACTOR, this.minimum);
    this.window = this.ssthresh;
  }

  /** RFC 9002 §7.6: persistent congestion collapses the window to the minimum. */
  onPersistentCongestion(): void {
    this.window = this.minimum;
    this.recoveryStart = -Infinity;
  }
}
