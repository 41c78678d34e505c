/**
 * Every number and name the context loader depends on, with the reason it has its value.
 */

/** Files injected as the system prompt, in this order (spec: OpenClaw-style). Instructions and
 * personality come first so they survive the total cap; memory comes last. */
export const CONTEXT_FILES: readonly string[] = ['AGENTS.md', 'SOUL.md', 'TOOLS.md', 'IDENTITY.md', 'USER.md', 'MEMORY.md'];

/** Folder of daily notes, memory/YYYY-MM-DD.md; today's and yesterday's are injected after CONTEXT_FILES. */
export const DAILY_MEMORY_DIR = 'memory';

/** Per-file cap in characters (spec): big enough for a rich AGENTS.md, small enough that one runaway
 * file cannot crowd out the others. */
export const DEFAULT_PER_FILE_CAP = 20_000;

/** Total cap in characters (spec): about 15k tokens, leaving most of a model's window to the chat. */
export const DEFAULT_TOTAL_CAP = 60_000;

/** Share of a cut file kept from its head; the rest comes from its tail (spec: 75 % / 25 %). The head
 * usually holds the most important rules, the tail the most recent additions. */
export const HEAD_SHARE = 0.75;

/** Under the total cap, a file is cut to the remaining budget only if at least this much is left;
 * a few hundred characters of a file tell the model less than a clear "omitted" marker. */
export const MIN_PARTIAL_FILE_CHARS = 1_000;
