/**
 * OK answers. The codec checks only that OK.result is a JSON object, because the decoder does not know
 * which request `re` points to; the side that sent the request does, and narrows the result here with
 * decodeOkResult(requestType, ok). The server builds answers with okMessage(), which checks the result
 * against the same table so a malformed answer fails at the sender, not at every client.
 */
import { MAX_LABEL_CHARS, MAX_PATH_CHARS, MAX_TEXT_CHARS, MAX_REASON_CHARS } from './constants';
import {
  arrayOf,
  bool,
  count,
  id,
  label,
  nullable,
  object,
  oneOf,
  optional,
  sha256,
  text,
  type FieldRule,
  type ObjectSchema,
} from './fields';
import type { OkMessage, OkRequestType, OkResultMap } from './types';
import { validateObject } from './validate';

type ResultTable = { [T in OkRequestType]: Record<keyof OkResultMap[T], FieldRule> };

/**
 * Bounds on result arrays. They are generous on purpose: MAX_MESSAGE_BYTES already bounds the whole
 * answer, and refusing a listing because a folder is large would be worse than the risk it removes.
 */
const MANY = 1_000_000;

const cronRunStatus = oneOf(['ok', 'error', 'timeout', 'skipped']);
/** File names come from the disk, not from a peer: any name the file system allows must list (the client escapes it for display). */
const fileName = () => text(MAX_PATH_CHARS, 1);
const fileEntryFields = {
  name: fileName(),
  kind: oneOf(['file', 'dir']),
  size: count(),
  mtime: count(),
};
const cronParseError = object({ line: count(), job: optional(label(MAX_LABEL_CHARS)), message: text(MAX_REASON_CHARS, 1) });
const empty: ObjectSchema = {};

const RESULTS: ResultTable = {
  STATUS: { uptimeMs: count(), keyAgeMs: count(), nextRekeyMs: count(), peers: count(), llmReachable: bool() },
  CHAT_CANCEL: empty,
  CHAT_HISTORY: {
    turns: arrayOf(
      object({
        index: count(),
        id: id(),
        question: text(MAX_TEXT_CHARS),
        answer: text(MAX_TEXT_CHARS),
        at: count(),
        provider: label(MAX_LABEL_CHARS),
        model: label(MAX_LABEL_CHARS),
        cancelled: optional(bool()),
      }),
      MANY,
    ),
    more: bool(),
  },
  SESSION_RESET: { archivedTurns: count(), startedAt: count() },
  FILE_LIST: { path: text(MAX_PATH_CHARS), entries: arrayOf(object(fileEntryFields), MANY) },
  FILE_STAT: { path: text(MAX_PATH_CHARS), entry: object({ ...fileEntryFields, sha256: optional(sha256()) }) },
  FILE_UPLOAD: { upload: id(), offset: count() },
  FILE_CHUNK: { received: count() },
  FILE_COMMIT: { path: text(MAX_PATH_CHARS), size: count(), sha256: sha256() },
  FILE_DELETE: empty,
  FILE_MKDIR: empty,
  FILE_MOVE: empty,
  CRON_LIST: {
    jobs: arrayOf(
      object({
        name: label(MAX_LABEL_CHARS),
        schedule: label(MAX_LABEL_CHARS),
        enabled: bool(),
        next_run: nullable(count()),
        last_run: nullable(count()),
        last_status: nullable(cronRunStatus),
        missed_policy: oneOf(['skip', 'once']),
      }),
      MANY,
    ),
    errors: arrayOf(cronParseError, MANY),
  },
  CRON_RUN: { runId: id() },
  CRON_RELOAD: { jobs: count(), errors: arrayOf(cronParseError, MANY) },
  CRON_LOG: {
    runs: arrayOf(
      object({
        runId: id(),
        startedAt: count(),
        finishedAt: nullable(count()),
        status: nullable(cronRunStatus),
        output: text(MAX_TEXT_CHARS),
      }),
      MANY,
    ),
  },
  CRON_ENABLE: { name: label(MAX_LABEL_CHARS), enabled: bool() },
  CRON_DISABLE: { name: label(MAX_LABEL_CHARS), enabled: bool() },
};

/** Request types that are answered with OK (the others end with WELCOME, PONG, CHAT_DONE or FILE_DONE). */
export const OK_REQUEST_TYPES = Object.keys(RESULTS) as readonly OkRequestType[];

/** Checks an OK's result against what `requestType` is answered with; throws MessageError when it does not fit. */
export function decodeOkResult<T extends OkRequestType>(requestType: T, ok: OkMessage<object>): OkResultMap[T] {
  validateObject(ok.result, resultSchema(requestType), `OK.result(${requestType})`);
  return ok.result as OkResultMap[T];
}

/** Builds the OK answer to a request of `requestType`, checking the result first. */
export function okMessage<T extends OkRequestType>(requestType: T, re: string, result: OkResultMap[T]): OkMessage<OkResultMap[T]> {
  validateObject(result, resultSchema(requestType), `OK.result(${requestType})`);
  return { type: 'OK', re, result };
}

function resultSchema(requestType: OkRequestType): ObjectSchema {
  if (!Object.hasOwn(RESULTS, requestType)) throw new Error(`${String(requestType)} is not answered with OK`);
  return RESULTS[requestType];
}
