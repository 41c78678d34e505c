/**
 * The runtime schema of every message: one table row per type, one entry per field, mirroring
 * types.ts. The mapped type below makes the compiler check that each row lists exactly the fields of
 * its TypeScript type, so the two cannot drift apart.
 */
import {
  MAX_ATTACHMENTS,
  MAX_CAPABILITIES,
  MAX_CRON_LOG_RUNS,
  MAX_FILE_CHUNK_BYTES,
  MAX_HISTORY_PAGE,
  MAX_LABEL_CHARS,
  MAX_REASON_CHARS,
  MAX_RETRY_AFTER_MS,
  MAX_TEXT_CHARS,
  MAX_VERSION,
  MAX_VERSIONS,
} from './constants';
import { ERROR_CODES } from './error-codes';
import {
  arrayOf,
  bool,
  bytes,
  count,
  id,
  int,
  jsonObject,
  label,
  object,
  oneOf,
  optional,
  path,
  sha256,
  text,
  type FieldRule,
  type ObjectSchema,
} from './fields';
import type { MessageOf, MessageType } from './types';

type FieldTable = { [T in MessageType]: Record<Exclude<keyof MessageOf<T>, 'type'>, FieldRule> };

const cronRunStatus = oneOf(['ok', 'error', 'timeout', 'skipped']);
const reason = () => text(MAX_REASON_CHARS);
const chatText = () => text(MAX_TEXT_CHARS);
/** A CHAT must say something; a reply or delta may legitimately be empty (a cancelled turn, a keep-alive piece). */
const chatQuestion = () => text(MAX_TEXT_CHARS, 1);
/** Data pieces are never empty: an empty download or upload is just FILE_DONE / FILE_COMMIT. */
const chunk = () => bytes(MAX_FILE_CHUNK_BYTES, 1);

const FIELDS: FieldTable = {
  HELLO: {
    id: id(),
    version: int(1, MAX_VERSION),
    client: label(MAX_LABEL_CHARS),
    capabilities: arrayOf(label(MAX_LABEL_CHARS), MAX_CAPABILITIES),
    device: optional(label(MAX_LABEL_CHARS)),
  },
  WELCOME: {
    re: id(),
    versions: arrayOf(int(1, MAX_VERSION), MAX_VERSIONS),
    provider: label(MAX_LABEL_CHARS),
    model: label(MAX_LABEL_CHARS),
    offline: bool(),
    session: object({ turns: count(), startedAt: count() }),
  },
  CLIENT_OPEN: { sessionId: id(), device: label(MAX_LABEL_CHARS), fingerprint: label(MAX_LABEL_CHARS) },
  CLIENT_CLOSE: { sessionId: id(), reason: reason() },
  PING: { id: id(), t: count() },
  PONG: { re: id(), t: count() },
  STATUS: { id: id() },
  COMPROMISED: { reason: reason() },
  ERROR: {
    re: optional(id()),
    code: oneOf(ERROR_CODES),
    message: text(MAX_REASON_CHARS, 1),
    retryAfterMs: optional(int(0, MAX_RETRY_AFTER_MS)),
  },
  OK: { re: id(), result: jsonObject() },

  CHAT: { id: id(), text: chatQuestion(), attachments: optional(arrayOf(path(), MAX_ATTACHMENTS)) },
  CHAT_QUEUED: { re: id(), position: int(1, Number.MAX_SAFE_INTEGER) },
  CHAT_DELTA: { re: id(), text: chatText() },
  CHAT_DONE: {
    re: id(),
    text: chatText(),
    question: optional(chatQuestion()),
    device: optional(label(MAX_LABEL_CHARS)),
    usage: optional(object({ inputTokens: count(), outputTokens: count() })),
    provider: label(MAX_LABEL_CHARS),
    model: label(MAX_LABEL_CHARS),
    cancelled: optional(bool()),
  },
  CHAT_CANCEL: { id: id(), re: id() },
  CHAT_HISTORY: { id: id(), before: optional(count()), limit: int(1, MAX_HISTORY_PAGE) },
  SESSION_RESET: { id: id() },

  FILE_LIST: { id: id(), path: path() },
  FILE_STAT: { id: id(), path: path() },
  FILE_DOWNLOAD: { id: id(), path: path(), offset: optional(count()), length: optional(int(1, Number.MAX_SAFE_INTEGER)) },
  FILE_DATA: { re: id(), offset: count(), bytes: chunk() },
  FILE_DONE: { re: id(), size: count(), sha256: sha256() },
  FILE_UPLOAD: { id: id(), path: path(), size: count(), sha256: sha256(), overwrite: optional(bool()) },
  FILE_CHUNK: { id: optional(id()), upload: id(), offset: count(), bytes: chunk() },
  FILE_COMMIT: { id: id(), upload: id() },
  FILE_DELETE: { id: id(), path: path(), recursive: optional(bool()) },
  FILE_MKDIR: { id: id(), path: path() },
  FILE_MOVE: { id: id(), path: path(), to: path(), overwrite: optional(bool()) },

  CRON_LIST: { id: id() },
  CRON_RUN: { id: id(), name: label(MAX_LABEL_CHARS) },
  CRON_RELOAD: { id: id() },
  CRON_LOG: { id: id(), name: label(MAX_LABEL_CHARS), limit: int(1, MAX_CRON_LOG_RUNS) },
  CRON_ENABLE: { id: id(), name: label(MAX_LABEL_CHARS) },
  CRON_DISABLE: { id: id(), name: label(MAX_LABEL_CHARS) },
  CRON_EVENT: {
    job: label(MAX_LABEL_CHARS),
    event: oneOf(['started', 'finished']),
    runId: id(),
    status: optional(cronRunStatus),
    output: optional(text(MAX_TEXT_CHARS)),
    at: count(),
  },
  CRON_CHANGED: { jobs: count(), errors: count() },
};

/** Every message type, in catalogue order. */
export const MESSAGE_TYPES = Object.keys(FIELDS) as readonly MessageType[];

/** Map (not a plain object) so that a hostile `type` such as "__proto__" or "constructor" finds nothing. */
const SCHEMAS: ReadonlyMap<string, ObjectSchema> = new Map(
  Object.entries(FIELDS).map(([type, fields]): [string, ObjectSchema] => [type, { type: oneOf([type]), ...fields }]),
);

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && SCHEMAS.has(value);
}

/** The field table of a known type, `type` itself included. */
export function schemaOf(type: MessageType): ObjectSchema {
  const schema = SCHEMAS.get(type);
  if (!schema) throw new Error(`no schema for message type ${type}`);
  return schema;
}

/** The one field of `type` that travels as the binary tail, if any (FILE_DATA.bytes, FILE_CHUNK.bytes). */
export function bytesFieldOf(type: MessageType): string | undefined {
  return Object.entries(schemaOf(type)).find(([, rule]) => rule.spec.kind === 'bytes')?.[0];
}

/** Whether the type always carries `id` (a request) / `re` (an answer). CHAT_CANCEL carries both. */
export function requiresId(type: MessageType): boolean {
  const rule = schemaOf(type)['id'];
  return rule !== undefined && !rule.optional;
}

export function requiresRe(type: MessageType): boolean {
  const rule = schemaOf(type)['re'];
  return rule !== undefined && !rule.optional;
}
