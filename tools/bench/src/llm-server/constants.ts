/** Parameters of the llm-server benchmark, chosen so the suite stays well under two minutes on 2 cores. */

/** Every figure is the median of this many runs, each with a fresh server and conversation. */
export const RUNS = 3;
/** Turns per run (the brief: at least 500). The PING baseline does as many round trips. */
export const TURNS = 500;
/** Round trips before the clock starts: JIT, context cache, the conversation file's first writes. */
export const WARMUP_TURNS = 30;

/**
 * Context loading: the six fixed context files at this size each, so together (72,000 characters)
 * they pass the 60,000-character total cap and the loader's truncation path runs too.
 */
export const CONTEXT_FILE_CHARS = 12_000;
/** Loads timed per round (after CONTEXT_WARMUP), alternating with the readFileSync baseline. */
export const CONTEXT_LOADS = 300;
export const CONTEXT_WARMUP = 30;
