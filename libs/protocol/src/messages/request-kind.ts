/**
 * The role each message type plays in a request's life. The client's request tracker and the relay's
 * pending-request timer are driven by this table:
 *
 *   request  opens a request; carries `id`; exactly one `end` with `re` = that id follows
 *   piece    a streamed part of an open request (CHAT_QUEUED, CHAT_DELTA, FILE_DATA answer it;
 *            FILE_CHUNK feeds an open upload); restarts the relay's timer, does not end anything
 *   end      ends the request named by `re` (OK, ERROR, WELCOME, PONG, CHAT_DONE, FILE_DONE)
 *   push     unsolicited: CRON_EVENT, CRON_CHANGED, COMPROMISED, CLIENT_OPEN / CLIENT_CLOSE (relay → server)
 *
 * Two `end` types also arrive unsolicited, and a tracker must treat them as pushes then: an ERROR
 * without `re` (e.g. the relay's LLM_UNREACHABLE with no request to blame), and a CHAT_DONE whose `re`
 * is another device's CHAT (every device receives each completed turn). isPush() says which.
 *
 * CHAT_CANCEL is a request of its own (its `id`, answered by OK); its `re` names the CHAT to stop, which
 * then ends normally with CHAT_DONE {cancelled: true}. A FILE_CHUNK that carries an `id` asks for an
 * acknowledgement (OK {received}) and so is also a request; expectsAnswer() covers that case.
 */
import type { Envelope, MessageType } from './types';

export type MessageKind = 'request' | 'piece' | 'end' | 'push';

const KINDS: Readonly<Record<MessageType, MessageKind>> = {
  HELLO: 'request',
  WELCOME: 'end',
  CLIENT_OPEN: 'push',
  CLIENT_CLOSE: 'push',
  PING: 'request',
  PONG: 'end',
  STATUS: 'request',
  COMPROMISED: 'push',
  ERROR: 'end',
  OK: 'end',
  CHAT: 'request',
  CHAT_QUEUED: 'piece',
  CHAT_DELTA: 'piece',
  CHAT_DONE: 'end',
  CHAT_CANCEL: 'request',
  CHAT_HISTORY: 'request',
  SESSION_RESET: 'request',
  FILE_LIST: 'request',
  FILE_STAT: 'request',
  FILE_DOWNLOAD: 'request',
  FILE_DATA: 'piece',
  FILE_DONE: 'end',
  FILE_UPLOAD: 'request',
  FILE_CHUNK: 'piece',
  FILE_COMMIT: 'request',
  FILE_DELETE: 'request',
  FILE_MKDIR: 'request',
  FILE_MOVE: 'request',
  CRON_LIST: 'request',
  CRON_RUN: 'request',
  CRON_RELOAD: 'request',
  CRON_LOG: 'request',
  CRON_ENABLE: 'request',
  CRON_DISABLE: 'request',
  CRON_EVENT: 'push',
  CRON_CHANGED: 'push',
};

export function requestKind(type: MessageType): MessageKind {
  return KINDS[type];
}

/** True when the sender of this message waits for an `end` with `re` = its id. */
export function expectsAnswer(envelope: Envelope): boolean {
  if (envelope.type === 'FILE_CHUNK') return envelope.id !== undefined;
  return KINDS[envelope.type] === 'request';
}

/**
 * True when the message is unsolicited for this receiver. `isPending(re)` tells whether this side has
 * an open request with that id (a CHAT_DONE for someone else's CHAT is a push; one for ours ends it).
 */
export function isPush(envelope: Envelope, isPending: (re: string) => boolean): boolean {
  const kind = KINDS[envelope.type];
  if (kind === 'push') return true;
  if (envelope.type === 'ERROR') return envelope.re === undefined || !isPending(envelope.re);
  if (envelope.type === 'CHAT_DONE') return envelope.re === undefined || !isPending(envelope.re);
  return false;
}
