/**
 * The client sessions the relay has told us about (CLIENT_OPEN / CLIENT_CLOSE), so pushes (CRON_EVENT,
 * the CHAT_DONE broadcast) reach every connected device and nothing is sent to a session that ended.
 * A client that sends a request before its CLIENT_OPEN arrives (different streams are not ordered
 * with each other) is registered on the spot.
 */
import { parseClientKey } from './outbox';

export interface ClientInfo {
  readonly key: string;
  readonly linkId: number;
  readonly clientNumber: number;
  sessionId?: string;
  device?: string;
  fingerprint?: string;
  readonly openedAt: number;
}

/** Closed keys remembered so a straggling message cannot resurrect a session; the relay never reuses a number while it runs. */
const CLOSED_KEYS_REMEMBERED = 10_000;

export type CloseListener = (client: ClientInfo, reason: string) => void;

export class ClientRegistry {
  private readonly clients = new Map<string, ClientInfo>();
  private readonly closed = new Set<string>();
  private readonly listeners: CloseListener[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** CLIENT_OPEN (or the first message of a client): registers it; returns undefined for a session already closed. */
  open(key: string, details: { sessionId?: string; device?: string; fingerprint?: string } = {}): ClientInfo | undefined {
    if (this.closed.has(key)) return undefined;
    let info = this.clients.get(key);
    if (!info) {
      const { linkId, clientNumber } = parseClientKey(key);
      info = { key, linkId, clientNumber, openedAt: this.now() };
      this.clients.set(key, info);
    }
    if (details.sessionId !== undefined) info.sessionId = details.sessionId;
    if (details.device !== undefined) info.device = details.device;
    if (details.fingerprint !== undefined) info.fingerprint = details.fingerprint;
    return info;
  }

  get(key: string): ClientInfo | undefined {
    return this.clients.get(key);
  }

  isOpen(key: string): boolean {
    return this.clients.has(key);
  }

  isClosed(key: string): boolean {
    return this.closed.has(key);
  }

  all(): ClientInfo[] {
    return [...this.clients.values()];
  }

  close(key: string, reason: string): ClientInfo | undefined {
    const info = this.clients.get(key);
    this.clients.delete(key);
    this.closed.add(key);
    if (this.closed.size > CLOSED_KEYS_REMEMBERED) this.closed.delete(this.closed.values().next().value as string);
    if (info) for (const listener of this.listeners) listener(info, reason);
    return info;
  }

  /** The relay's link session ended: every client on it is gone. */
  closeLink(linkId: number, reason: string): ClientInfo[] {
    const gone = this.all().filter((c) => c.linkId === linkId);
    for (const c of gone) this.close(c.key, reason);
    return gone;
  }

  onClose(listener: CloseListener): void {
    this.listeners.push(listener);
  }

}
