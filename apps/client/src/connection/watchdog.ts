/**
 * When a live session has gone quiet (pure). transport.md: a client that has sent and heard nothing
 * authenticated for 15 s reconnects. A slow LLM is silent too, so with requests in flight the client
 * first provokes an answer (an ack-eliciting probe); only silence after that means the relay is gone.
 * An idle client (nothing in flight) relies on keepalives and the idle timeout instead.
 */
export type WatchdogAction = 'none' | 'probe' | 'reconnect';

export interface WatchdogInput {
  /** Requests waiting for their end. */
  pending: number;
  /** Time since the last authenticated packet from the relay. */
  lastReceivedAgoMs: number;
  probeAfterMs: number;
  reconnectAfterMs: number;
}

export function watchdogAction(i: WatchdogInput): WatchdogAction {
  if (i.pending === 0) return 'none';
  if (i.lastReceivedAgoMs >= i.reconnectAfterMs) return 'reconnect';
  if (i.lastReceivedAgoMs >= i.probeAfterMs) return 'probe';
  return 'none';
}
