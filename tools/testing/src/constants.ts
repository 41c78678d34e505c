/** Timings and patterns shared by the end-to-end tests and the benchmarks that start the real apps. */

/** How long to wait for a line by default: a cold bundle start on two busy cores takes a few seconds. */
export const DEFAULT_WAIT_MS = 20_000;
/** After SIGTERM a program gets this long to shut down cleanly before SIGKILL (a clean exit is quick). */
export const STOP_GRACE_MS = 5_000;
/** How much of a program's output goes into a failure message: enough for the error, not the whole log. */
export const OUTPUT_TAIL_CHARS = 2_000;

/** The LLM server's ready line on stderr; group 1 is the port it bound (we start it on port 0). */
export const LLM_READY_LINE = /listening on \S*?:(\d+)/;
/** The relay's ready line on stderr; group 1 is its public port. */
export const RELAY_READY_LINE = /\[relay\] ready port=(\d+)/;

/** The starter context files in context/ that a fresh system gets (the offline reply lists them). */
export const STARTER_CONTEXT_FILES: readonly string[] = ['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md', 'CRON.md'];
