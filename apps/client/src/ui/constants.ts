/** Timing and layout constants of the terminal UI, each with the reason for its value. */

/** Second Ctrl+C within this window exits: long enough to press twice on purpose, short enough
 * that a stray press much later does not quit. */
export const CTRL_C_EXIT_WINDOW_MS = 2000;

/** Streamed text is re-rendered at most this often (~30 fps): a 10 MB/s stream would otherwise
 * cost one React render per delta, and the eye cannot follow faster updates anyway. */
export const STREAM_FLUSH_MS = 33;

/** Transfer progress is re-rendered at most this often: smooth enough, and cheap at 10 MB/s. */
export const PROGRESS_RENDER_MS = 100;

/** Rows the live area keeps free below the terminal height. Ink clears the whole screen when the
 * live area reaches the terminal height, so there must always be slack, plus one row for the line
 * the cursor sits on after the frame. */
export const LIVE_AREA_SLACK_ROWS = 2;

/** Rows of the chat input shown at most; a longer message scrolls inside the editor. */
export const MAX_EDITOR_ROWS = 6;

/** Chat turns fetched by /history without an argument: one screenful of context. */
export const DEFAULT_HISTORY_TURNS = 20;

/** Recent runs fetched by the Crontab tab's log view. */
export const CRON_LOG_RUNS = 5;

/** Transfers shown under the file list (the most recent ones). */
export const VISIBLE_TRANSFERS = 3;

/** Size assumed when the output stream does not report one (not a TTY): the classic terminal. */
export const DEFAULT_COLUMNS = 80;
export const DEFAULT_ROWS = 24;
