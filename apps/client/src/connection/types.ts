/**
 * The contract between the terminal UI and the network connection. The UI codes against this
 * interface only, so it can be tested with an in-memory double (src/testing/fake-connection.ts)
 * and the real connection can change underneath it.
 */

export type ConnState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnState;
  /** Relay address as the user knows it (`host:port`). */
  relay: string;
  /** Last measured round trip to the relay. */
  rttMs?: number;
  /** Age of the current session keys when this status was produced. */
  keyAgeMs?: number;
  /** Time left until the next in-band key rotation when this status was produced. */
  nextRotationMs?: number;
  provider?: string;
  model?: string;
  /** True when the LLM server answers with its built-in offline provider (no API key set). */
  offline?: boolean;
  /** Why the connection is not (or no longer) usable, one line for a person. */
  reason?: string;
}

/** A protocol message as a plain object: `{type, id?, re?, ...fields}` (spec/messages.md). */
export interface Message {
  type: string;
  id?: string;
  re?: string;
  [field: string]: unknown;
}

/** An outgoing request; `id` is optional and assigned by the connection when absent. */
export interface RequestMessage {
  type: string;
  id?: string;
  [field: string]: unknown;
}

/** Rejection value of `request` when the far side answered with ERROR. */
export interface RequestError extends Error {
  /** Catalogue code (BAD_REQUEST, LLM_UNREACHABLE, ...) or CONNECTION_LOST. */
  code: string;
  /** For RATE_LIMITED / BUSY: when a retry is worth trying. */
  retryAfterMs?: number;
}

/**
 * Code a request is rejected with when the session dropped and the connection did not resend it
 * itself. Transfers retry such requests from their current offset once the state is `connected`.
 */
export const CONNECTION_LOST = 'CONNECTION_LOST';

export interface ClientConnection {
  status(): ConnectionStatus;
  /** Called on every status change (state, RTT, rotation, provider...). Returns an unsubscribe. */
  onStatus(cb: (status: ConnectionStatus) => void): () => void;
  /** A fresh request id, for requests the UI must refer to later (CHAT_CANCEL `{re}`). */
  nextId(): string;
  /**
   * Sends `msg` (using `msg.id` when given) and resolves with the final answer (OK, CHAT_DONE,
   * FILE_DONE). Streamed pieces before it (CHAT_DELTA, FILE_DATA, queue notices) go to `onPiece`.
   * Rejects with a RequestError whose `code` is the ERROR's code.
   */
  request(msg: RequestMessage, onPiece?: (piece: Message) => void): Promise<Message>;
  /** Messages nobody asked for: CRON_EVENT, CHAT_DONE of another device's turn, COMPROMISED. */
  onPush(cb: (msg: Message) => void): () => void;
  /**
   * `/compromised`: asks the relay to revoke this device's keys (COMPROMISED), erases the stored
   * credential, and resolves once the relay has closed the session. Rejects when not connected or
   * when the relay does not confirm in time.
   */
  reportCompromised(): Promise<void>;
  close(): Promise<void>;
}

export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
