/** Parameters of the relay benchmark, chosen so the suite stays around two minutes on 2 cores. */

/** Round-trip figures are the median of this many runs (odd, so the median is a real run). */
export const RUNS = 3;
/** Chat turns per run (the brief: at least 1,000, so p99 rests on 10 samples). */
export const TURNS = 1_000;
/** Turns before the clock starts: JIT, context cache, the conversation file's first writes. */
export const WARMUP_TURNS = 50;
/**
 * Datagram sizes of the plain chain: about the size of the encrypted CHAT request and of the first
 * CHAT_DELTA, so the baseline moves as many bytes as the session does.
 */
export const PLAIN_REQUEST_BYTES = 160;
export const PLAIN_REPLY_BYTES = 128;

/** Idle sessions held on the relay at once. */
export const IDLE_SESSIONS = 1_000;
/** The protocol's keepalive interval (libs/protocol secure/constants.ts KEEPALIVE_MS). */
export const KEEPALIVE_INTERVAL_MS = 25_000;
/**
 * CPU is counted over this window, once with no session and once with IDLE_SESSIONS. Every session
 * was opened before the window starts and then keeps a keepalive every 25 s, so a window of exactly
 * one interval holds exactly one keepalive round per session, whatever the sessions' phases.
 */
export const IDLE_WINDOW_MS = KEEPALIVE_INTERVAL_MS;
/** Quiet time before a snapshot, so the last handshakes' work and writes are over. */
export const SETTLE_MS = 3_000;
/** The round-trip goal from the brief: a chat round trip within twice the plain forwarding chain. */
export const ROUND_TRIP_GOAL_RATIO = 2;
/** Output kept per app process: the start holds the ready line and any start-up error; the rest is connect logs. */
export const APP_OUTPUT_CHARS = 256 * 1024;
/**
 * The traced run tells data from ACK-only datagrams by size: an ACK is ~40 bytes, the smallest CHAT
 * or CHAT_DELTA on either hop well over 100.
 */
export const TRACE_MIN_DATA_BYTES = 100;
