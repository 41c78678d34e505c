/**
 * Which stream each message travels on, and how the relay multiplexes client sessions over the local
 * link. Stream classes are sent in strict priority (control, chat, file, bulk), so a long download can
 * never delay a chat message or a keepalive (see transport/constants.ts).
 *
 * Answers (OK, ERROR, CHAT_DELTA, FILE_DATA, ...) travel on the stream their request came in on, so a
 * request's pieces and its end stay in order.
 */
import { STREAM_CLASS_BULK, STREAM_CLASS_CHAT, STREAM_CLASS_CONTROL, STREAM_CLASS_COUNT, STREAM_CLASS_FILE } from '../transport/constants';

const CLASS_BY_TYPE: Record<string, number> = {
  CHAT: STREAM_CLASS_CHAT,
  CHAT_CANCEL: STREAM_CLASS_CHAT,
  CHAT_HISTORY: STREAM_CLASS_CHAT,
  SESSION_RESET: STREAM_CLASS_CHAT,
  FILE_LIST: STREAM_CLASS_FILE,
  FILE_STAT: STREAM_CLASS_FILE,
  FILE_DELETE: STREAM_CLASS_FILE,
  FILE_MKDIR: STREAM_CLASS_FILE,
  FILE_MOVE: STREAM_CLASS_FILE,
  // A transfer's request, pieces and end share the bulk stream so FILE_DONE never overtakes FILE_DATA
  // and FILE_COMMIT never overtakes a FILE_CHUNK.
  FILE_DOWNLOAD: STREAM_CLASS_BULK,
  FILE_UPLOAD: STREAM_CLASS_BULK,
  FILE_CHUNK: STREAM_CLASS_BULK,
  FILE_COMMIT: STREAM_CLASS_BULK,
};

/** Stream class of a request or push; control (0) for everything not listed (HELLO, PING, CRON_*, ...). */
export function streamClassFor(type: string): number {
  return CLASS_BY_TYPE[type] ?? STREAM_CLASS_CONTROL;
}

/**
 * On the local link, client session `sessionId` (≥ 1) owns streams sessionId*4 .. sessionId*4+3;
 * stream 0..3 belong to the link itself (PING/PONG between relay and LLM server).
 */
export function localStreamId(sessionId: number, streamClass: number): number {
  return sessionId * STREAM_CLASS_COUNT + streamClass;
}

export function splitLocalStreamId(streamId: number): { sessionId: number; streamClass: number } {
  return { sessionId: Math.floor(streamId / STREAM_CLASS_COUNT), streamClass: streamId % STREAM_CLASS_COUNT };
}
