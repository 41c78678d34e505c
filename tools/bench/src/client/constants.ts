/** Parameters of the client benchmark, chosen so the suite stays around a minute and a half on 2 cores. */

/** Terminal size of every run: a common laptop terminal. */
export const COLS = 120;
export const ROWS = 40;

/** Start-up runs of the client and of the `node -e 0` baseline, alternating (odd: the median is a real run). */
export const STARTUP_RUNS = 5;
/** Rounds of typing-only then typing-while-streaming, each in a fresh client process. */
export const STREAM_ROUNDS = 3;
/** Give up on a start-up after this long (the relay is local: a healthy start takes well under a second). */
export const STARTUP_TIMEOUT_MS = 20_000;

/** The streamed reply: 1 MB/s as the brief asks, in 10 ms pieces like a fast provider's SSE chunks. */
export const STREAM_BYTES_PER_SECOND = 1_000_000;
export const STREAM_CHUNK_MS = 10;
/**
 * Length of the streamed reply: just under the protocol's MAX_TEXT_CHARS (1,000,000), which the LLM
 * server enforces per reply; at 1 MB/s one reply therefore lasts a little under a second.
 */
export const STREAM_REPLY_CHARS = 950_000;
/** Paragraph length of the reply: finished paragraphs move to the scrollback, as in a real answer. */
export const STREAM_PARAGRAPH_CHARS = 400;
/** The question that makes the fake provider stream; every other question gets a one-line answer. */
export const STREAM_QUESTION = 'bench: stream please';
/** Words the reply starts and ends with, to see on the terminal when it began and ended. */
export const STREAM_START_MARKER = 'zzbenchstartzz';
export const STREAM_END_MARKER = 'zzbenchendzz';
export const QUICK_REPLY = 'Quick answer from the bench provider.';

/** Keystrokes typed in each typing phase, one per write, this far apart (fast typing, ~66 keys/s). */
export const KEYSTROKES = 60;
export const KEYSTROKE_INTERVAL_MS = 15;
/** Typing starts this long after the streaming question is sent (the first pieces are arriving then). */
export const TYPE_AFTER_SEND_MS = 100;
/** Give up waiting for the screen to catch up after this long. */
export const SCREEN_TIMEOUT_MS = 60_000;
