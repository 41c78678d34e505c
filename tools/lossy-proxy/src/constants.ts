// Defaults of the lossy proxy, each with the reason for its value.

/**
 * A packet picked for reordering waits for the next packet in its direction. If none comes it is
 * released after this long, so reordering never turns into loss; 10 ms is far below any
 * retransmission timeout yet long enough to land behind a burst on loopback.
 */
export const DEFAULT_REORDER_HOLD_MS = 10;

/** Large socket buffers so the proxy itself never drops under a benchmark burst (same as the raw baseline). */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Seed used when none is given: runs are reproducible by default. */
export const DEFAULT_SEED = 0x5eed;
