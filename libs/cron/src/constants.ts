/**
 * Every number the cron library depends on, in one place, with the reason it has its value.
 */

/** Delays before retry n of a failed run (spec: 30 s, 1 min, 5 min, 15 min, 60 min). The step is chosen
 * by the job's consecutive-failure count, so a job that keeps failing across occurrences backs off to
 * the longer delays instead of hammering a broken provider every 30 s. */
export const RETRY_BACKOFF_MS: readonly number[] = [30_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/** At most this many retries per scheduled occurrence (spec), so a broken job costs at most 4 calls. */
export const MAX_RETRIES_PER_OCCURRENCE = 3;

/** Largest DST shift we must look around when mapping wall-clock times to instants. Real zones shift
 * by 30 min or 1 h today; 2 h covered historic "double summer time"; 3 h leaves a margin. */
export const DST_SEARCH_WINDOW_MS = 3 * 60 * 60 * 1000;

/** Safety net for the wall-clock candidate walk in nextRun; a valid expression needs a handful of
 * steps, an every-second job next to a DST change needs at most a few thousand. */
export const MAX_CANDIDATES_PER_NEXT_RUN = 20_000;

/** A run log file (one per job) is trimmed to its newest half once it grows past this size: big
 * enough for hundreds of runs of a chatty job, small enough to read whole for CRON_LOG. */
export const CRON_LOG_MAX_BYTES = 1024 * 1024;

/** Output stored per run in the log; a longer answer is cut so one run cannot take over the file. */
export const CRON_LOG_MAX_OUTPUT_CHARS = 64 * 1024;

/** Longest job name accepted in CRON.md; names travel in messages and become log file names. */
export const MAX_JOB_NAME_CHARS = 100;

/** Longest slug used as a log file name (keeps well under every filesystem's 255-byte limit). */
export const MAX_SLUG_CHARS = 64;

/** Default missed-run policy (spec: `missed` defaults to `once`). */
export const DEFAULT_MISSED_POLICY = 'once';

/** Version of the sidecar state file; bump when its shape changes incompatibly. */
export const CRON_STATE_VERSION = 1;

/** Macros we accept; the five classic ones plus `@annually` (a synonym every cron knows). cron-parser
 * also knows `@weekdays` and friends, but other crons do not, so a CRON.md using them would not be
 * portable. */
export const SCHEDULE_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
};
