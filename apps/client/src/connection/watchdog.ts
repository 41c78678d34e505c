/**
 * When a live session has gone quiet (pure). transport.md: "a client that has sent and heard nothing
 * authenticated for 15 s shows reconnecting and starts a new handshake", so a dead or restarted relay
 * is found quickly even by an idle client.
 *
 * Silence alone proves nothing: a slow LLM has nothing to say, and an idle relay only sends a
 * keepalive every 25 s. So after `probeAfterMs` of silence the client sends an ack-eliciting probe
 * (busy or idle); a live relay acknowledges it within a round trip, which resets the silence. Only
 * when the client has sent something more recently than it last heard anything, and the silence has
 * lasted `reconnectAfterMs`, is the relay taken for gone. A healthy idle connection therefore never
 * reaches the reconnect threshold (every probe is answered long before it).
 */
export type WatchdogAction = 'none' | 'probe' | 'reconnect';

export interface WatchdogInput {
  /** Time since the last authenticated packet from the relay. */
  lastReceivedAgoMs: number;
  /** Time since the client last sent something that asks for an answer (request, HELLO, probe). */
  lastSentAgoMs: number;
  probeAfterMs: number;
  reconnectAfterMs: number;
}

export function watchdogAction(i: WatchdogInput): WatchdogAction {
  const sentSinceHeard = i.lastSentAgoMs < i.lastReceivedAgoMs;
  if (sentSinceHeard && i.lastReceivedAgoMs >= i.reconnectAfterMs) return 'reconnect';
  if (i.lastReceivedAgoMs >= i.probeAfterMs) return 'probe';
  return 'none';
}
