/**
 * In-memory ClientConnection for component and transfer tests. A test either registers an
 * automatic answer per message type (`answer`) or drives a pending request by hand (`nextRequest`,
 * then `piece` / `finish` / `fail`). Nothing here touches the network.
 */
import { EventEmitter } from 'node:events';
import type { ClientConnection, ConnectionStatus, Message, RequestError, RequestMessage } from '../connection/types';

export interface PendingRequest {
  msg: Message & { id: string };
  onPiece?: (piece: Message) => void;
  resolve: (final: Message) => void;
  reject: (err: RequestError) => void;
}

/** Automatic answer: return the final message; `piece` sends streamed pieces before it. */
export type FakeHandler = (msg: Message & { id: string }, piece: (m: Omit<Message, 're'>) => void) => Message | Promise<Message>;

export function requestError(code: string, message: string): RequestError {
  return Object.assign(new Error(message), { code });
}

/** An OK answer as the catalogue shapes it: `{type: 'OK', result}` (`re` is added by the fake). */
export function ok(result: object = {}): Message {
  return { type: 'OK', result };
}

export class FakeConnection implements ClientConnection {
  readonly sent: (Message & { id: string })[] = [];
  private readonly pending = new Map<string, PendingRequest>();
  private readonly handlers = new Map<string, FakeHandler>();
  private readonly events = new EventEmitter();
  private current: ConnectionStatus;
  private ids = 0;
  closed = false;

  constructor(status: Partial<ConnectionStatus> = {}) {
    this.current = { state: 'connected', relay: '127.0.0.1:7000', ...status };
    this.events.setMaxListeners(100);
  }

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(cb: (status: ConnectionStatus) => void): () => void {
    this.events.on('status', cb);
    return () => this.events.off('status', cb);
  }

  nextId(): string {
    this.ids += 1;
    return `r${this.ids}`;
  }

  request(msg: RequestMessage, onPiece?: (piece: Message) => void): Promise<Message> {
    const sent = { ...msg, id: msg.id ?? this.nextId() };
    this.sent.push(sent);
    return new Promise<Message>((resolve, reject) => {
      const entry: PendingRequest = { msg: sent, onPiece, resolve, reject };
      this.events.emit('request', entry);
      const handler = this.handlers.get(sent.type);
      if (!handler) {
        this.pending.set(sent.id, entry);
        return;
      }
      const piece = (m: Omit<Message, 're'>) => onPiece?.({ ...m, re: sent.id } as Message);
      Promise.resolve()
        .then(() => handler(sent, piece))
        .then((final) => resolve({ ...final, re: sent.id }), (err: RequestError) => reject(err));
    });
  }

  onPush(cb: (msg: Message) => void): () => void {
    this.events.on('push', cb);
    return () => this.events.off('push', cb);
  }

  /** Resolves unless a test made it fail (`compromiseError`); records that it was called. */
  compromisedReports = 0;
  compromiseError: Error | undefined;

  async reportCompromised(): Promise<void> {
    this.compromisedReports += 1;
    if (this.compromiseError) throw this.compromiseError;
    this.setStatus({ state: 'closed', reason: "this device's keys were revoked" });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- test controls ----

  /** Answer every future request of `type` automatically. */
  answer(type: string, handler: FakeHandler): this {
    this.handlers.set(type, handler);
    return this;
  }

  /** Resolves with the next request of `type` (or one already waiting unanswered). */
  nextRequest(type: string): Promise<PendingRequest> {
    for (const entry of this.pending.values()) if (entry.msg.type === type) return Promise.resolve(entry);
    return new Promise((resolve) => {
      const listener = (entry: PendingRequest) => {
        if (entry.msg.type !== type) return;
        this.events.off('request', listener);
        resolve(entry);
      };
      this.events.on('request', listener);
    });
  }

  piece(id: string, m: Omit<Message, 're'>): void {
    this.pending.get(id)?.onPiece?.({ ...m, re: id } as Message);
  }

  finish(id: string, m: Omit<Message, 're'>): void {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    entry?.resolve({ ...m, re: id } as Message);
  }

  fail(id: string, code: string, message: string): void {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    entry?.reject(requestError(code, message));
  }

  push(m: Message): void {
    this.events.emit('push', m);
  }

  setStatus(patch: Partial<ConnectionStatus>): void {
    this.current = { ...this.current, ...patch };
    this.events.emit('status', this.current);
  }
}
