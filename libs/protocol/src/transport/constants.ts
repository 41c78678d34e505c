/**
 * Every constant the reliable session depends on, in one place (docs/protocol.md lists them too).
 * Values follow RFC 9002 (QUIC loss recovery) unless a comment says why they differ.
 */

/** Largest UDP payload we ever send: fits every real path MTU (IPv6 minimum 1280 minus headers). */
export const MAX_DATAGRAM_SIZE = 1200;

/** Data packet overhead: 16-byte clear header + 16-byte AES-GCM tag. */
export const DATA_HEADER_SIZE = 16;
export const AEAD_TAG_SIZE = 16;
export const MAX_PACKET_PAYLOAD = MAX_DATAGRAM_SIZE - DATA_HEADER_SIZE - AEAD_TAG_SIZE;

/** RFC 9002 §6.1.1: a packet is lost once three later packets are acknowledged. */
export const PACKET_THRESHOLD = 3;
/** RFC 9002 §6.1.2: ...or once it is older than 9/8 of the RTT. */
export const TIME_THRESHOLD_NUM = 9;
export const TIME_THRESHOLD_DEN = 8;
/** Timer granularity: below this, timers are not precise enough to mean anything. */
export const GRANULARITY_MS = 1;
/** RTT assumed before the first sample. The handshake gives a sample, so this is rarely used. */
export const INITIAL_RTT_MS = 100;
/**
 * How long a receiver may delay an ACK; included in the probe timeout. Receivers delay by at most a
 * quarter of the RTT below that, so a small congestion window (heavy loss) is never stalled waiting
 * for a delayed ACK on a short path.
 */
export const MAX_ACK_DELAY_MS = 5;
/** Acknowledge at least every this many ack-eliciting packets (RFC 9000 says 2; 8 cuts ACK traffic on
 * bulk transfers fourfold, in the spirit of QUIC's ACK-frequency extension; out-of-order arrival still
 * triggers an immediate ACK, and the ack timer bounds the delay to a quarter RTT). */
export const ACK_ELICITING_THRESHOLD = 8;
/** Probe timeouts back off exponentially; cap the exponent so a long outage still probes every ~minute. */
export const MAX_PTO_BACKOFF = 10;

/** NewReno (RFC 9002 §7): windows in bytes of UDP payload. */
export const INITIAL_WINDOW_PACKETS = 10;
export const MINIMUM_WINDOW_PACKETS = 2;
export const LOSS_REDUCTION_FACTOR = 0.5;

/** Receive windows. Large enough to fill a fast loopback path, small enough to bound memory per
 * session (the relay holds at most CONNECTION_WINDOW of undelivered data per client). Credit returns
 * only when a whole message is delivered, so the stream window must exceed the largest message
 * (4 MiB, messages/constants.ts) with room to spare, or that message could never complete. */
export const STREAM_RECEIVE_WINDOW = 8 * 1024 * 1024;
export const CONNECTION_RECEIVE_WINDOW = 16 * 1024 * 1024;
/** A peer may not open more streams than this (each costs state). */
export const MAX_STREAMS = 4096;
/** How many forgotten stream ids a connection remembers, to discard late frames for them. */
export const MAX_DROPPED_STREAMS = 65_536;
/** Largest single message on a stream (the codec's 4 MiB limit plus slack); larger is a protocol violation. */
export const MAX_STREAM_MESSAGE = 4 * 1024 * 1024 + 64 * 1024;
/** ACK frames list at most this many ranges (older gaps are retransmitted by the peer anyway). */
export const MAX_ACK_RANGES = 32;
/** How many received packet-number ranges we remember. */
export const MAX_RECEIVED_RANGES = 256;

/**
 * Stream classes: the low two bits of a stream id. Lower class is sent first, so control messages
 * and chat never wait behind file data (spec: a download never delays a chat message).
 */
export const STREAM_CLASS_CONTROL = 0;
export const STREAM_CLASS_CHAT = 1;
export const STREAM_CLASS_FILE = 2;
export const STREAM_CLASS_BULK = 3;
export const STREAM_CLASS_COUNT = 4;
