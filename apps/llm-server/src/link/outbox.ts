/**
 * How the server's features answer and push without knowing about UDP: a Route names one client
 * session's stream on the local link; the Outbox sends there. The real one is LinkServer; unit tests
 * use an in-memory one (testing/fake-outbox.ts).
 */
import type { EncodableMessage } from '@clawchat/protocol';

/** Where an answer goes: the client session (registry key) and the local stream the request came on. */
export interface Route {
  /** `${linkId}:${clientNumber}`; client number 0 is the relay link itself. */
  readonly client: string;
  readonly streamId: number;
}

export interface Outbox {
  /** Encodes and queues `message` on the route's stream; false when the client or link is gone. */
  send(route: Route, message: EncodableMessage): boolean;
  /** Sends `message` on stream class `streamClass` of every connected client except `except`; returns how many got it. */
  push(message: EncodableMessage, streamClass: number, except?: string): number;
  /** Bytes queued on the route's stream and not yet acknowledged (download backpressure). */
  buffered(route: Route): number;
  /** Resolves after the next batch of transport activity (acks arrived, timers ran). */
  progress(): Promise<void>;
  isOpen(route: Route): boolean;
}

export function clientKey(linkId: number, clientNumber: number): string {
  return `${linkId}:${clientNumber}`;
}

export function parseClientKey(key: string): { linkId: number; clientNumber: number } {
  const [link, client] = key.split(':');
  return { linkId: Number(link), clientNumber: Number(client) };
}
