/**
 * Constants of the secure layer (handshake, keys, timers, DoS defence). docs/protocol.md lists them all.
 * Timer values follow WireGuard (device/constants.go) where the same mechanism exists.
 */

export const PacketType = {
  HANDSHAKE_INIT: 1,
  HANDSHAKE_RESP: 2,
  COOKIE_REPLY: 3,
  DATA: 4,
} as const;

/** How the initiator proves it may connect: a one-time .sec ticket or a resumption credential. */
export const CredentialKind = {
  TICKET: 1,
  RESUMPTION: 2,
  /** The local link: NNpsk0 with the shared local key, no credential id. */
  LOCAL: 3,
} as const;

export const PROLOGUE = Buffer.from('clawchat/1');
export const PROTOCOL_VERSION = 1;

/** Client ↔ relay: Noise IKpsk2 (the relay's static key is in the .sec; the PSK binds the ticket). */
export const CLIENT_PATTERN = 'IKpsk2';
/** Relay ↔ LLM server: Noise NNpsk0 keyed by the shared local key. */
export const LOCAL_PATTERN = 'NNpsk0';

export const CREDENTIAL_ID_SIZE = 16;
export const MAC_SIZE = 16;
export const TIMESTAMP_SIZE = 12;
/**
 * Granularity of the initiation timestamp (WireGuard's "whitening"): its nanoseconds are rounded down
 * to a multiple of 2^24 ns (≈ 16.8 ms), so it does not give away the sender's precise clock, which
 * would help tell one device from another across networks. Replay protection only needs it to grow.
 */
export const TIMESTAMP_GRANULE_NS = 2 ** 24;
/** Device names are padded to this size so the initiation length does not leak the name's length. */
export const DEVICE_NAME_MAX = 63;
export const INIT_PAYLOAD_SIZE = TIMESTAMP_SIZE + 1 + DEVICE_NAME_MAX;
export const RESP_PAYLOAD_SIZE = CREDENTIAL_ID_SIZE;

/** Rekey after this long (spec: hourly) or after this many packets under one keypair. */
export const REKEY_AFTER_MS = 60 * 60 * 1000;
export const REKEY_AFTER_PACKETS = 2 ** 26;
/** Keys older than this are never used for anything (spec: 1 h 5 min). */
export const REJECT_AFTER_MS = 65 * 60 * 1000;
/** The retired keypair is kept this long for packets still in flight, then erased. */
export const PREVIOUS_KEY_GRACE_MS = 15_000;
/**
 * The peer must start using keys it asked for (REKEY init → our resp) within this long. Longer than
 * the idle timeout, so an outage ends the session as an outage, not as a rekey failure.
 */
export const NEXT_KEY_CONFIRM_MS = 150_000;
/** A REKEY init unanswered for this long is abandoned and started again with a fresh ephemeral key. */
export const REKEY_RETRY_MS = 30_000;

/** Handshake initiation retransmits: start fast (a lost datagram should not cost 5 s), back off to 5 s. */
export const HANDSHAKE_RETRY_INITIAL_MS = 500;
export const HANDSHAKE_RETRY_MAX_MS = 5_000;
/** Give up on a handshake after this long (the caller reports "cannot reach relay"). */
export const HANDSHAKE_TIMEOUT_MS = 20_000;

/** Send a keepalive after this long without sending anything, so NAT mappings stay open. */
export const KEEPALIVE_MS = 25_000;
/** Close a session after this long without one authenticated packet. */
export const IDLE_TIMEOUT_MS = 120_000;
/** A client that heard nothing authenticated for this long while it was sending reconnects. */
export const RECONNECT_AFTER_MS = 15_000;

/** Path validation: give up on a new address that does not echo the challenge in this long. */
export const PATH_VALIDATION_TIMEOUT_MS = 3_000;

/** DoS defence (WireGuard cookie.go): the cookie secret rotates every 2 minutes. */
export const COOKIE_SECRET_LIFETIME_MS = 120_000;
/** Above this many handshake initiations per second the responder demands a valid mac2 (cookie). */
export const UNDER_LOAD_HANDSHAKES_PER_SECOND = 500;
/** ...and stays in that mode for this long after the rate drops. */
export const UNDER_LOAD_HOLD_MS = 1_000;
/** ...or once this many handshakes are half-open: a slow flood (a few dozen a second, each held for the
 * half-open lifetime) must meet the cookie and the per-source buckets long before the table is full. */
export const UNDER_LOAD_HALF_OPEN = 128;
/** Handshakes processed per source (IPv4 address or IPv6 /64) per second while under load (token bucket). */
export const HANDSHAKES_PER_ADDRESS_PER_SECOND = 20;
export const HANDSHAKE_BURST_PER_ADDRESS = 5;
/** Token buckets remembered; the least recently used is forgotten beyond this (a forgotten bucket starts full). */
export const MAX_RATE_BUCKETS = 65_536;

/** Limits that bound the responder's memory. */
export const MAX_SESSIONS = 4096;
export const MAX_HALF_OPEN = 1024;
/**
 * Half-open handshakes one source may hold; its oldest is dropped for a new one beyond this. Enough for
 * a household of devices behind one NAT starting at once; one attacking host cannot fill the table.
 */
export const MAX_HALF_OPEN_PER_SOURCE = 16;
/**
 * Unconfirmed handshakes one initiator identity (a device key) may have at once: its programs (the TUI,
 * scripts) share the key and may dial together. Beyond this its oldest makes room (a re-dial).
 */
export const MAX_HALF_OPEN_PER_IDENTITY = 8;
/**
 * Initiations of one identity accepted with the very same (whitened) timestamp, told apart by their
 * ephemeral keys: programs of one device dialling within one granule.
 */
export const MAX_EPHEMERALS_PER_TIMESTAMP = 64;
/**
 * A half-open handshake not confirmed within this long is forgotten. The initiator confirms with its
 * first data packet one round trip after sending the initiation, and re-sends a fresh initiation at
 * least every 5 s (HANDSHAKE_RETRY_MAX_MS), so 10 s covers a lost packet or two; every second longer
 * is a second a flood's entries would hold their slots.
 */
export const HALF_OPEN_LIFETIME_MS = 10_000;
/**
 * Initiator identities whose last initiation timestamp is remembered (replay check). The least recently
 * seen is forgotten beyond this, so a flood of fresh keys cannot grow the table without end; forgetting
 * one only re-opens a replay of its last initiation, which can never complete (no ephemeral key).
 */
export const MAX_REMEMBERED_INITIATORS = 65_536;
