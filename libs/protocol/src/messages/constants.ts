/**
 * Limits of the message catalogue. Every number a decoder enforces lives here, with the reason it has
 * its value, so docs/protocol.md can quote one place and a reader can see why a message was refused.
 */

/** Version byte in front of every encoded message. Bump when the byte layout (not the catalogue) changes. */
export const CODEC_VERSION = 1;

/**
 * Catalogue version a client announces in HELLO.version. Bump when a message or field changes
 * incompatibly; decoders refuse unknown fields, so adding a field is such a change.
 */
export const CATALOGUE_VERSION = 1;

/** Bytes before the JSON header: u8 codec version + u32 big-endian header length. */
export const FRAME_PREFIX_BYTES = 5;

/**
 * Largest encoded message. Big enough for a maximal chat turn (1,000,000 chars of mostly-ASCII text)
 * or a file chunk with its header, small enough that a hostile peer cannot make the receiver
 * reassemble and parse unbounded buffers. Files larger than this travel as many FILE_DATA/FILE_CHUNK.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Longest chat text in characters (CHAT.text, CHAT_DELTA.text, CHAT_DONE.text/question, cron output).
 * Roughly 250k tokens: above every provider's context window, so it never refuses a real turn, yet it
 * bounds what one message can make the server store and send to a provider.
 */
export const MAX_TEXT_CHARS = 1_000_000;

/** Longest sandbox path in characters: Linux PATH_MAX, so every path the file system accepts fits. */
export const MAX_PATH_CHARS = 4096;

/** Attachments per CHAT. Each is read and added to the turn; a handful is what a person attaches. */
export const MAX_ATTACHMENTS = 16;

/**
 * Largest FILE_DATA / FILE_CHUNK payload. 256 KiB keeps a chunk far below MAX_MESSAGE_BYTES, small
 * enough that the reliable session interleaves chat between chunks, large enough that the per-message
 * overhead (header, ack, hash update) stays well under 1 % of a transfer.
 */
export const MAX_FILE_CHUNK_BYTES = 256 * 1024;

/**
 * Message ids (and other opaque tokens: upload ids, run ids, session ids): at most 64 characters of
 * [A-Za-z0-9_-]. Url-safe, log-safe (no spaces or control characters), and long enough for a UUID or
 * 32 random bytes in base64url, so callers may use whatever unique scheme they like.
 */
export const MAX_ID_CHARS = 64;
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Length of ids from newMessageId(): 12 base64url chars = 72 random bits, no collision in a lifetime of requests. */
export const NEW_ID_CHARS = 12;

/** Short human-readable labels (device, client, provider, model, cron job name, capability): one screen line. */
export const MAX_LABEL_CHARS = 256;

/** Capabilities in HELLO: a feature list, not a payload. */
export const MAX_CAPABILITIES = 64;

/** ERROR.message, COMPROMISED.reason, CLIENT_CLOSE.reason: one line a person reads, with room for a provider's own error text. */
export const MAX_REASON_CHARS = 4096;

/** Highest accepted catalogue version number in HELLO/WELCOME: anything above is garbage, not a future version. */
export const MAX_VERSION = 65_535;

/** Versions WELCOME may list: a server supports a few catalogue versions at once, not hundreds. */
export const MAX_VERSIONS = 32;

/** CHAT_HISTORY page size: enough for a screen of turns, bounded so one page stays well within a message. */
export const MAX_HISTORY_PAGE = 200;

/** CRON_LOG limit: recent runs with their output; the log files themselves are bounded too. */
export const MAX_CRON_LOG_RUNS = 100;

/** ERROR.retryAfterMs: one day. A longer wait is a bug on the sender, not advice a client should follow. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** Free-form JSON (OK.result) nesting depth: real results are 3-4 levels deep; the cap keeps validation non-recursive in practice. */
export const MAX_JSON_DEPTH = 32;

/** Characters of a reason quoted back in a MessageError, so a huge bad field cannot blow up a log line. */
export const MAX_QUOTED_CHARS = 40;
