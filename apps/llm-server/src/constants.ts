/**
 * Every tunable of the LLM server, named, in one place, with the reason for its value.
 */

/** Shown by --version and in logs; kept in step with the root package.json by hand (the bundle has no package.json). */
export const SERVER_VERSION = '0.1.0';

/** Default UDP port of the local link (product.md: the seed's 55556). */
export const DEFAULT_PORT = 55556;

/** The local link is for processes on this machine only (product.md); there is no flag to change it. */
export const LISTEN_HOST = '127.0.0.1';

/** Default directories (product.md configuration table), relative to the working directory. */
export const DEFAULT_CONTEXT_DIR = './context';
export const DEFAULT_FILES_DIR = './files';
/** In the state folder: the pid of the server using it (one server per state folder). */
export const INSTANCE_LOCK_FILE = 'llm-server.pid';
export const DEFAULT_STATE_DIR = './data';

/** File names inside the state directory. */
export const LOCAL_KEY_FILE = 'local.key';
export const SESSION_FILE = 'llm_session.json';
export const SESSION_ARCHIVE_FILE = 'llm_session.archive.jsonl';
export const CRON_STATE_FILE = 'cron-state.json';
export const CRON_LOG_DIR = 'logs/cron';
export const CRON_FILE = 'CRON.md';

/** The local key: 32 random bytes (a full-strength PSK for NNpsk0). */
export const LOCAL_KEY_BYTES = 32;

/**
 * Download backpressure: stop reading the file while this many bytes wait unacknowledged on the
 * stream. 4 MiB is many round trips of data on loopback (so the pipe never runs dry) yet keeps the
 * server's memory flat for a multi-GB file.
 */
export const DOWNLOAD_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * A closed client's local streams are forgotten this long after its CLIENT_CLOSE. Until then a late
 * retransmission on them is harmless; after it the relay has long stopped using them (it never
 * reuses a client number), and the stream table must not grow with every client that ever connected.
 */
export const STREAM_DROP_DELAY_MS = 30_000;

/** Unfinished uploads untouched this long are deleted: a week covers a laptop closed over a weekend. */
export const STALE_UPLOAD_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How often stale uploads are looked for (spec brief: daily). */
export const UPLOAD_PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * Attachments: one file and all of a turn's files together. A turn's attachments go to the provider
 * with every later turn too, so they are held well below the context budget.
 */
export const MAX_ATTACHMENT_CHARS = 100_000;
export const MAX_ATTACHMENTS_TOTAL_CHARS = 200_000;

/** Compaction starts when the estimated prompt passes the budget and shrinks history to this share of it, so it does not run again on the very next turn. */
export const COMPACTION_TARGET_SHARE = 0.5;
/** The newest turns are never compacted: the person is talking about them right now. */
export const COMPACTION_KEEP_RECENT_TURNS = 2;
/** Characters per token for every estimate (spec: tokens = characters / 4). */
export const CHARS_PER_TOKEN = 4;

/**
 * CHAT_HISTORY pages are cut to this many bytes of JSON so the OK answer stays well inside the
 * codec's 4 MiB message limit (turns can be long).
 */
export const MAX_HISTORY_PAGE_BYTES = 3 * 1024 * 1024;

/** Answers of mutating requests kept for idempotent replay after a reconnect. A reconnect resends within seconds; 10 minutes and 1,000 answers are ample. */
export const ANSWER_CACHE_ENTRIES = 1_000;
export const ANSWER_CACHE_TTL_MS = 10 * 60 * 1000;

/**
 * A CHAT waiting in the queue (behind a long reply or a compaction) is sent CHAT_QUEUED again this
 * often. The relay gives up on a request after 60 s without a streamed piece (product.md); 20 s
 * leaves room for two more heartbeats before that, so one delayed by a busy event loop or a slow
 * link still arrives in time.
 */
export const QUEUE_HEARTBEAT_INTERVAL_MS = 20_000;

/** CHATs that ended without a stored turn (cancelled while queued) remembered for replay. */
export const ENDED_CHATS_REMEMBERED = 200;

/** Saving CRON.md in an editor fires several change events; reload once they settle. */
export const CRON_WATCH_DEBOUNCE_MS = 250;
/** The cron timer never sleeps longer than this, so a wall-clock jump (NTP, suspend) is noticed within a minute. */
export const CRON_MAX_SLEEP_MS = 60_000;

/** Graceful shutdown gives pending writes this long before exiting anyway. */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Exit codes: 2 = bad configuration (as documented in --help), 1 = failure while running. */
export const EXIT_CONFIG = 2;
export const EXIT_FAILURE = 1;

/**
 * Reply pieces that arrive within this long of the previous CHAT_DELTA are sent together as one. A
 * model (or the offline provider) can produce dozens of pieces in a millisecond; one datagram per
 * piece on both hops cost the relay and the client more CPU than the text itself, and the reply's
 * first piece queued behind the rest. The first piece, and any piece after a pause this long, goes
 * out at once; the delay a batched piece can get is below one frame of a 60 Hz display.
 */
export const DELTA_BATCH_MS = 16;
