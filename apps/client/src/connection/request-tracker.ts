/**
 * The client's open requests, keyed by id (pure: no I/O, no timers). Each request has exactly one end
 * (spec/messages.md): pieces before it go to `onPiece`, the end resolves it, an ERROR rejects it with
 * `{code, message}`. Messages that answer nothing of ours are pushes.
 *
 * After a reconnect every open request is resent under its same id and the server answers it again
 * from the start (it replays, it does not re-execute). A replayed CHAT streams its deltas again, so
 * the tracker skips the reply text the caller already has; FILE_DATA carries offsets and the
 * download code drops overlap itself.
 */
import { isPush, isMessageType, requestKind, type Envelope } from '@clawchat/protocol';
import { makeRequestError } from './request-error';
import type { Message, RequestError } from './types';

export type TrackedMessage = Message & { id: string };

export interface TrackedRequest {
  msg: TrackedMessage;
  onPiece?: (piece: Message) => void;
  resolve: (end: Message) => void;
  reject: (err: RequestError) => void;
  /** Sent on the current session (false: waiting for a session, or lost with the previous one). */
  sent: boolean;
  /** Characters of CHAT_DELTA text handed to `onPiece` so far. */
  deltaChars: number;
  /** Characters of replayed CHAT_DELTA text still to drop after a resend. */
  skipChars: number;
}

/** What `handle` did with an incoming message. */
export type Disposition = 'piece' | 'end' | 'push' | 'stray';

export class RequestTracker {
  private readonly open = new Map<string, TrackedRequest>();

  get size(): number {
    return this.open.size;
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  /** Registers a request; the promise settles when its end (or a failure) arrives. */
  add(msg: TrackedMessage, onPiece?: (piece: Message) => void): { request: TrackedRequest; done: Promise<Message> } {
    if (this.open.has(msg.id)) throw makeRequestError('BAD_REQUEST', `request id ${msg.id} is already in use`);
    let request!: TrackedRequest;
    const done = new Promise<Message>((resolve, reject) => {
      request = { msg, onPiece, resolve, reject, sent: false, deltaChars: 0, skipChars: 0 };
    });
    this.open.set(msg.id, request);
    return { request, done };
  }

  /** Requests not yet sent on the current session, oldest first (Map keeps insertion order). */
  unsent(): TrackedRequest[] {
    return [...this.open.values()].filter((r) => !r.sent);
  }

  /** The session is gone: every open request must be sent again, and replayed text skipped. */
  markAllUnsent(): void {
    for (const r of this.open.values()) {
      r.sent = false;
      r.skipChars = r.deltaChars;
    }
  }

  /** Routes one decoded message to its request, or says it is a push. Never throws on odd input. */
  handle(msg: Message): Disposition {
    if (!isMessageType(msg.type)) return 'stray';
    const envelope: Envelope = { type: msg.type, id: msg.id, re: msg.re };
    if (isPush(envelope, (re) => this.open.has(re))) return 'push';
    const request = msg.re !== undefined ? this.open.get(msg.re) : undefined;
    if (!request) return 'stray';
    const kind = requestKind(msg.type);
    if (kind === 'piece') {
      this.deliverPiece(request, msg);
      return 'piece';
    }
    if (kind !== 'end') return 'stray';
    this.open.delete(request.msg.id);
    if (msg.type === 'ERROR') {
      const retryAfterMs = typeof msg.retryAfterMs === 'number' ? msg.retryAfterMs : undefined;
      request.reject(makeRequestError(String(msg.code), String(msg.message), { retryAfterMs }));
    } else {
      request.resolve(msg);
    }
    return 'end';
  }

  private deliverPiece(request: TrackedRequest, msg: Message): void {
    let piece = msg;
    if (msg.type === 'CHAT_DELTA' && typeof msg.text === 'string') {
      let text = msg.text;
      if (request.skipChars > 0) {
        const drop = Math.min(request.skipChars, text.length);
        request.skipChars -= drop;
        text = text.slice(drop);
        if (text === '') return;
        piece = { ...msg, text };
      }
      request.deltaChars += text.length;
    }
    try {
      request.onPiece?.(piece);
    } catch {
      // A caller's piece handler must not break the connection's receive path.
    }
  }

  /** Ends one request with a local failure (it could not be encoded, the session closed for good). */
  fail(id: string, code: string, message: string): void {
    const request = this.open.get(id);
    if (!request) return;
    this.open.delete(id);
    request.reject(makeRequestError(code, message));
  }

  failAll(code: string, message: string): void {
    for (const id of [...this.open.keys()]) this.fail(id, code, message);
  }
}
