/** Parameters of the transport benchmark. Chosen so the whole suite stays under ~3 minutes on 2 cores. */

/** Every figure is the median of this many runs (odd, so the median is a real run). */
export const RUNS = 3;

/** The datagram size of the raw baseline: the protocol's MAX_DATAGRAM_SIZE, so both fill packets alike. */
export const DATAGRAM_SIZE = 1200;
/** Socket buffers for every socket (the conventions fix 4 MiB; UdpDriver uses the same by default). */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * Datagrams the raw sender hands to node:dgram per batch (one completion callback per batch, like
 * UdpDriver's flush); it waits for that completion before the next batch, which bounds its memory.
 */
export const RAW_BATCH_DATAGRAMS = 512;

/** Throughput: skip slow start and JIT warm-up, then count this long. */
export const THROUGHPUT_WARMUP_MS = 1_000;
export const THROUGHPUT_WINDOW_MS = 5_000;
/** Bulk transfer class, the one file downloads use. */
export const BULK_STREAM_ID = 3;
export const MESSAGE_BYTES = 64 * 1024;
/** The sender keeps this much queued (unacknowledged) on the stream, like an application with backpressure. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Handshakes: counted after a short warm-up over a fixed window. */
export const HANDSHAKE_WARMUP_MS = 500;
export const HANDSHAKE_WINDOW_MS = 2_000;
/** In-flight handshakes for the parallel figure: enough to keep both cores busy. */
export const HANDSHAKE_PARALLEL = 16;
/**
 * Sockets on distinct loopback addresses the initiator rotates through. Under load the responder
 * allows 20 handshakes per second per source address (burst 5); with this many addresses each one
 * stays far below that, so the figure measures CPU, not the per-address rate limit.
 */
export const HANDSHAKE_SOURCE_ADDRESSES = 256;
/** DH baseline: single-core x25519() calls counted over this long. */
export const DH_WINDOW_MS = 1_000;

/** Memory: idle confirmed sessions held by one responder. */
export const IDLE_SESSIONS = 1_000;
/** Sessions opened and closed before the baseline snapshot, so JIT code and table growth are not counted. */
export const WARMUP_SESSIONS = 16;
/** Handshakes in flight while opening the idle sessions. */
export const OPEN_CONCURRENCY = 64;
/** Quiet time after the last session is confirmed, so trailing ACKs are processed before the snapshot. */
export const SETTLE_MS = 500;

/** Loopback /8 blocks for source addresses (127.0.0.1 is the responder's). */
export const HANDSHAKE_ADDRESS_BLOCK = 3;
export const MEMORY_ADDRESS_BLOCK = 4;
