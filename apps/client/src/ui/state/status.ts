/** The status line's text and the quiet system lines for connection changes (pure). */
import type { ConnectionStatus } from '../../connection/types';
import { shortDuration } from './time-format';

export interface StatusParts {
  state: string;
  relay: string;
  rtt?: string;
  keys?: string;
  model?: string;
  offline: boolean;
}

/** `elapsedMs` = time since the status arrived, so ages keep counting between updates. */
export function statusParts(status: ConnectionStatus, elapsedMs: number): StatusParts {
  const parts: StatusParts = { state: status.state, relay: status.relay, offline: status.offline === true };
  if (status.rttMs !== undefined && status.state === 'connected') parts.rtt = `rtt ${Math.round(status.rttMs)} ms`;
  if (status.keyAgeMs !== undefined) {
    const age = `keys ${shortDuration(status.keyAgeMs + elapsedMs)}`;
    parts.keys = status.nextRotationMs !== undefined ? `${age}, rotate in ${shortDuration(Math.max(0, status.nextRotationMs - elapsedMs))}` : age;
  }
  if (status.provider) parts.model = status.model ? `${status.provider}/${status.model}` : status.provider;
  return parts;
}

/** A one-line notice for the scrollback when the connection changed in a way a person should know. */
export function statusNotice(prev: ConnectionStatus, next: ConnectionStatus): string | null {
  if (next.state === 'reconnecting' && prev.state !== 'reconnecting') {
    return `Connection to ${next.relay} lost${next.reason ? ` (${next.reason})` : ''}; reconnecting…`;
  }
  if (next.state === 'connected' && prev.state === 'reconnecting') return `Reconnected to ${next.relay}.`;
  if (next.state === 'closed' && prev.state !== 'closed') {
    return `Disconnected from ${next.relay}${next.reason ? `: ${next.reason}` : '.'}`;
  }
  if (
    prev.state === 'connected' &&
    next.state === 'connected' &&
    prev.keyAgeMs !== undefined &&
    next.keyAgeMs !== undefined &&
    next.keyAgeMs < prev.keyAgeMs
  ) {
    return 'Session keys rotated.';
  }
  if (next.provider && prev.provider && (next.provider !== prev.provider || next.model !== prev.model)) {
    return `The LLM server now uses ${next.provider}${next.model ? `/${next.model}` : ''}.`;
  }
  return null;
}
