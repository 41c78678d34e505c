/**
 * The message catalogue as TypeScript types (spec/messages.md). Every message is
 * `{ type, id?, re?, ...fields }`: a request carries its own `id`, an answer carries the request's id as
 * `re`. The runtime schema in schema.ts mirrors these types field for field; the codec rejects any
 * field not listed here.
 *
 * Units: times (`t`, `at`, `startedAt`, `mtime`, ...) are integer milliseconds since the Unix epoch;
 * sizes and offsets are integer bytes; paths are `/`-separated and relative to the sandbox root
 * ('' or '.' names the root itself).
 */
import type { ErrorCode } from './error-codes';

/**
 * Raw bytes as either a Uint8Array or a Node Buffer. Decoded messages always hold a plain Uint8Array
 * (a copy); the union only lets senders pass a Buffer straight from fs (with the pinned @types/node
 * and TypeScript 6, Buffer is not assignable to Uint8Array).
 */
export type Bytes = Uint8Array | Buffer;

// ---------------------------------------------------------------------------------------------------
// Session and health

/** client → llm-server (through the relay): the first message of a client session. Answered by WELCOME or ERROR. */
export interface HelloMessage {
  type: 'HELLO';
  id: string;
  /** Catalogue version the client speaks (CATALOGUE_VERSION). */
  version: number;
  /** Client name and version, e.g. "clawchat/0.1.0", for logs and diagnostics. */
  client: string;
  /** Optional features the client understands, e.g. "chat.queue". Unknown ones are ignored. */
  capabilities: string[];
  /** Device name shown to the user's other devices (usually the hostname). */
  device?: string;
}

export interface WelcomeMessage {
  type: 'WELCOME';
  re: string;
  /** Catalogue versions the server speaks; a client whose version is missing tells the user which side to upgrade. */
  versions: number[];
  provider: string;
  model: string;
  /** True when the built-in offline provider answers (no API key configured). */
  offline: boolean;
  session: { turns: number; startedAt: number };
}

/** relay → llm-server: a client session began, so the server knows whom to push to. */
export interface ClientOpenMessage {
  type: 'CLIENT_OPEN';
  sessionId: string;
  device: string;
  /** Short fingerprint of the client's static public key, as the relay shows it. */
  fingerprint: string;
}

/** relay → llm-server: a client session ended (closed, timed out, revoked). */
export interface ClientCloseMessage {
  type: 'CLIENT_CLOSE';
  sessionId: string;
  reason: string;
}

export interface PingMessage {
  type: 'PING';
  id: string;
  /** Sender's clock (ms), echoed in PONG so the sender computes RTT without keeping state. */
  t: number;
}

export interface PongMessage {
  type: 'PONG';
  re: string;
  /** The PING's `t`, unchanged. */
  t: number;
}

/** client → relay; the relay answers with OK whose result is StatusResult. */
export interface StatusMessage {
  type: 'STATUS';
  id: string;
}

/** Either side: the credentials are revoked; see transport.md. */
export interface CompromisedMessage {
  type: 'COMPROMISED';
  reason: string;
}

/** The end of a failed request (`re` set) or an unsolicited error (no `re`). */
export interface ErrorMessage {
  type: 'ERROR';
  re?: string;
  code: ErrorCode;
  /** One line a person can act on. */
  message: string;
  /** For RATE_LIMITED / BUSY: when a retry is worth trying. */
  retryAfterMs?: number;
}

/**
 * The single answer of a request that has no dedicated answer type. `result` is a JSON object whose
 * shape depends on the request: OkResultMap below names it per request type, and
 * decodeOkResult(requestType, ok) validates it. The codec itself checks only that `result` is a JSON
 * object (it cannot know which request `re` points to).
 */
export interface OkMessage<R extends object = JsonObject> {
  type: 'OK';
  re: string;
  result: R;
}

// ---------------------------------------------------------------------------------------------------
// Chat

export interface ChatMessage {
  type: 'CHAT';
  id: string;
  text: string;
  /** Sandbox paths whose text is added to the turn. */
  attachments?: string[];
}

/** The CHAT waits behind other turns; `position` 1 means it is next. */
export interface ChatQueuedMessage {
  type: 'CHAT_QUEUED';
  re: string;
  position: number;
}

export interface ChatDeltaMessage {
  type: 'CHAT_DELTA';
  re: string;
  text: string;
}

/**
 * The reply is complete. Sent to the asking device as the end of its CHAT, and to every other
 * connected device as a push (with `question`) so all views stay in step.
 */
export interface ChatDoneMessage {
  type: 'CHAT_DONE';
  re: string;
  /** The full reply (partial when cancelled). */
  text: string;
  /** The user's turn, so other devices can show it. */
  question?: string;
  /** With `question`: the name of the device that asked (as its HELLO or the relay's CLIENT_OPEN gave it). */
  device?: string;
  usage?: TokenUsage;
  provider: string;
  model: string;
  cancelled?: boolean;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** Stop generating the reply to CHAT `re`. Answered by OK {}; the CHAT then ends with CHAT_DONE {cancelled: true}. */
export interface ChatCancelMessage {
  type: 'CHAT_CANCEL';
  id: string;
  re: string;
}

/** Page backwards through the conversation; answered by OK with ChatHistoryResult. */
export interface ChatHistoryMessage {
  type: 'CHAT_HISTORY';
  id: string;
  /** Return turns with index < before; absent means the newest. */
  before?: number;
  limit: number;
}

/** Start a new conversation; the old one is archived. Answered by OK with SessionResetResult. */
export interface SessionResetMessage {
  type: 'SESSION_RESET';
  id: string;
}

// ---------------------------------------------------------------------------------------------------
// Files

export interface FileListMessage {
  type: 'FILE_LIST';
  id: string;
  path: string;
}

export interface FileStatMessage {
  type: 'FILE_STAT';
  id: string;
  path: string;
}

/** Answered by FILE_DATA pieces and FILE_DONE (or ERROR). `length` absent means to the end of the file. */
export interface FileDownloadMessage {
  type: 'FILE_DOWNLOAD';
  id: string;
  path: string;
  offset?: number;
  length?: number;
}

/** A piece of a download; `bytes` travels as the binary tail of the encoded message. */
export interface FileDataMessage {
  type: 'FILE_DATA';
  re: string;
  offset: number;
  bytes: Bytes;
}

/** The download is complete: `size` is the whole file's size, `sha256` the whole file's hash (lowercase hex). */
export interface FileDoneMessage {
  type: 'FILE_DONE';
  re: string;
  size: number;
  sha256: string;
}

/** Opens (or resumes) an upload; answered by OK with FileUploadResult. */
export interface FileUploadMessage {
  type: 'FILE_UPLOAD';
  id: string;
  path: string;
  size: number;
  sha256: string;
  overwrite?: boolean;
}

/**
 * A piece of an upload; `bytes` travels as the binary tail. Without `id` it is fire-and-forget (errors
 * surface at FILE_COMMIT); with `id` the server acknowledges it with OK {received}.
 */
export interface FileChunkMessage {
  type: 'FILE_CHUNK';
  id?: string;
  upload: string;
  offset: number;
  bytes: Bytes;
}

/** Verify the upload against its sha256 and rename it into place; answered by OK with FileCommitResult. */
export interface FileCommitMessage {
  type: 'FILE_COMMIT';
  id: string;
  upload: string;
}

export interface FileDeleteMessage {
  type: 'FILE_DELETE';
  id: string;
  path: string;
  recursive?: boolean;
}

export interface FileMkdirMessage {
  type: 'FILE_MKDIR';
  id: string;
  path: string;
}

export interface FileMoveMessage {
  type: 'FILE_MOVE';
  id: string;
  path: string;
  to: string;
  overwrite?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Cron

export interface CronListMessage {
  type: 'CRON_LIST';
  id: string;
}

export interface CronRunMessage {
  type: 'CRON_RUN';
  id: string;
  name: string;
}

export interface CronReloadMessage {
  type: 'CRON_RELOAD';
  id: string;
}

export interface CronLogMessage {
  type: 'CRON_LOG';
  id: string;
  name: string;
  limit: number;
}

export interface CronEnableMessage {
  type: 'CRON_ENABLE';
  id: string;
  name: string;
}

export interface CronDisableMessage {
  type: 'CRON_DISABLE';
  id: string;
  name: string;
}

export type CronRunStatus = 'ok' | 'error' | 'timeout' | 'skipped';

/** Pushed to every connected client when a job starts or finishes. */
export interface CronEventMessage {
  type: 'CRON_EVENT';
  job: string;
  event: 'started' | 'finished';
  runId: string;
  /** Present on 'finished'. */
  status?: CronRunStatus;
  /** The run's output (or error text), present on 'finished'. */
  output?: string;
  at: number;
}

/**
 * Pushed to every connected client after CRON.md was read again (saved, CRON_RELOAD, CRON_ENABLE /
 * CRON_DISABLE), so a Crontab view shows new jobs and parse problems without being asked to refresh;
 * CRON_LIST has the details.
 */
export interface CronChangedMessage {
  type: 'CRON_CHANGED';
  /** Jobs CRON.md defines now. */
  jobs: number;
  /** Parse problems in it now. */
  errors: number;
}

// ---------------------------------------------------------------------------------------------------
// The union

export type Message =
  | HelloMessage
  | WelcomeMessage
  | ClientOpenMessage
  | ClientCloseMessage
  | PingMessage
  | PongMessage
  | StatusMessage
  | CompromisedMessage
  | ErrorMessage
  | OkMessage
  | ChatMessage
  | ChatQueuedMessage
  | ChatDeltaMessage
  | ChatDoneMessage
  | ChatCancelMessage
  | ChatHistoryMessage
  | SessionResetMessage
  | FileListMessage
  | FileStatMessage
  | FileDownloadMessage
  | FileDataMessage
  | FileDoneMessage
  | FileUploadMessage
  | FileChunkMessage
  | FileCommitMessage
  | FileDeleteMessage
  | FileMkdirMessage
  | FileMoveMessage
  | CronListMessage
  | CronRunMessage
  | CronReloadMessage
  | CronLogMessage
  | CronEnableMessage
  | CronDisableMessage
  | CronEventMessage
  | CronChangedMessage;

export type MessageType = Message['type'];

/** The message of a given type, e.g. MessageOf<'CHAT'> is ChatMessage. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** What the relay learns from decodeEnvelope without validating the rest. */
export interface Envelope {
  type: MessageType;
  id?: string;
  re?: string;
}

// ---------------------------------------------------------------------------------------------------
// Free-form JSON (OK.result before decodeOkResult narrows it)

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

// ---------------------------------------------------------------------------------------------------
// OK results, per request type

/** Relay status (answer to STATUS). Durations in ms; `nextRekeyMs` counts down to the next key rotation. */
export interface StatusResult {
  uptimeMs: number;
  keyAgeMs: number;
  nextRekeyMs: number;
  /** Client sessions the relay currently holds. */
  peers: number;
  llmReachable: boolean;
}

/** A stored turn of the conversation. `index` counts from 0 at the start of the conversation. */
export interface ChatTurn {
  index: number;
  /** The CHAT id that produced the turn. */
  id: string;
  question: string;
  answer: string;
  at: number;
  provider: string;
  model: string;
  cancelled?: boolean;
}

/** Oldest first. `more` tells whether older turns exist (ask again with before = turns[0].index). */
export interface ChatHistoryResult {
  turns: ChatTurn[];
  more: boolean;
}

export interface SessionResetResult {
  /** Turns moved to the archive. */
  archivedTurns: number;
  startedAt: number;
}

export interface FileEntry {
  name: string;
  kind: 'file' | 'dir';
  size: number;
  mtime: number;
}

export interface FileListResult {
  path: string;
  entries: FileEntry[];
}

export interface FileStatResult {
  path: string;
  entry: FileEntry & { sha256?: string };
}

/** The upload is open: send chunks from `offset` (non-zero when resuming an interrupted upload). */
export interface FileUploadResult {
  upload: string;
  offset: number;
}

/** Acknowledges a FILE_CHUNK that carried an id: bytes received so far. */
export interface FileChunkResult {
  received: number;
}

export interface FileCommitResult {
  path: string;
  size: number;
  sha256: string;
}

/** FILE_DELETE, FILE_MKDIR, FILE_MOVE, CHAT_CANCEL: nothing to report beyond success. */
export type EmptyResult = Record<string, never>;

/** Field names follow spec/messages.md (snake_case, as in CRON.md). Times in ms, null when never. */
export interface CronJobInfo {
  name: string;
  schedule: string;
  enabled: boolean;
  next_run: number | null;
  last_run: number | null;
  last_status: CronRunStatus | null;
  missed_policy: 'skip' | 'once';
}

/** A job in CRON.md that could not be parsed; the other jobs keep running. */
export interface CronParseError {
  line: number;
  job?: string;
  message: string;
}

export interface CronListResult {
  jobs: CronJobInfo[];
  errors: CronParseError[];
}

export interface CronRunResult {
  runId: string;
}

export interface CronReloadResult {
  jobs: number;
  errors: CronParseError[];
}

export interface CronRunRecord {
  runId: string;
  startedAt: number;
  finishedAt: number | null;
  status: CronRunStatus | null;
  output: string;
}

/** Newest first. */
export interface CronLogResult {
  runs: CronRunRecord[];
}

export interface CronToggleResult {
  name: string;
  enabled: boolean;
}

/** The OK result each request type is answered with. Requests not listed here never get OK. */
export interface OkResultMap {
  STATUS: StatusResult;
  CHAT_CANCEL: EmptyResult;
  CHAT_HISTORY: ChatHistoryResult;
  SESSION_RESET: SessionResetResult;
  FILE_LIST: FileListResult;
  FILE_STAT: FileStatResult;
  FILE_UPLOAD: FileUploadResult;
  FILE_CHUNK: FileChunkResult;
  FILE_COMMIT: FileCommitResult;
  FILE_DELETE: EmptyResult;
  FILE_MKDIR: EmptyResult;
  FILE_MOVE: EmptyResult;
  CRON_LIST: CronListResult;
  CRON_RUN: CronRunResult;
  CRON_RELOAD: CronReloadResult;
  CRON_LOG: CronLogResult;
  CRON_ENABLE: CronToggleResult;
  CRON_DISABLE: CronToggleResult;
}

export type OkRequestType = keyof OkResultMap;

/** What encodeMessage accepts: any Message, including an OK built with one of the typed results above. */
export type EncodableMessage = Message | OkMessage<OkResultMap[OkRequestType]>;
