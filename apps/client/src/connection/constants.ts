/** Timers and names of the client's connection, each with the reason for its value. */
import { secureConstants } from '@clawchat/protocol';

/** Name and version announced in HELLO.client (diagnostics on the server) and printed by --version. */
export const CLIENT_VERSION = '0.1.0';
export const CLIENT_NAME = `clawchat/${CLIENT_VERSION}`;

/**
 * Silence (no authenticated packet) after which a client that has sent something since it last heard
 * the relay starts a new handshake: transport.md fixes 15 s, WireGuard's keepalive + rekey timeout.
 */
export const RECONNECT_AFTER_MS = secureConstants.RECONNECT_AFTER_MS;

/**
 * Nothing heard for this long (busy or idle), the client sends an ack-eliciting probe, so "silence"
 * means the relay is gone, not merely that a slow LLM or an idle relay has nothing to say. A third of
 * the reconnect threshold: a live relay answers well before it, and an idle client costs the relay
 * one small packet every 5 s (transport.md allows a ping every 5-10 s while idle).
 */
export const PROBE_AFTER_MS = 5_000;

/** How often the connection checks for silence and refreshes its status (RTT, key age). */
export const WATCHDOG_INTERVAL_MS = 1_000;

/** Default handshake give-up time (the protocol's); CLAWCHAT_HANDSHAKE_TIMEOUT_MS overrides it for tests. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = secureConstants.HANDSHAKE_TIMEOUT_MS;

/**
 * Handshake give-up time of a headless command (send, files, cron, status). A script waiting 20 s on a
 * relay that is down helps nobody; 8 s still covers five initiations (retries at 0.5, 1.5, 3.5, 7.5 s),
 * plenty for a lossy or distant link, and the same for a .sec and a stored credential.
 */
export const HEADLESS_HANDSHAKE_TIMEOUT_MS = 8_000;

/**
 * HELLO is answered by the LLM server through the relay; the relay itself gives up on the LLM server
 * after 60 s and answers LLM_UNREACHABLE, so waiting a little longer than that never cuts a real answer.
 */
export const WELCOME_TIMEOUT_MS = 65_000;

/**
 * While the relay says the LLM server is unreachable, the client says HELLO again this often (one in
 * flight at a time), so provider, model and status recover without a reconnect. The relay answers at
 * once while it knows the local link is dead, so this is one small request every few seconds.
 */
export const HELLO_RETRY_MS = 5_000;

/** /compromised: how long to wait for the relay to confirm the revocation before saying it may not have. */
export const COMPROMISE_CONFIRM_TIMEOUT_MS = 10_000;

/** File of the stored device key and resumption credentials, under the client's state dir. */
export const CREDENTIALS_FILE_NAME = 'credentials.json';

/**
 * Sessions lost before the first WELCOME that the client retries (with the resumption credential it
 * was just given). More would only repeat a refusal the relay expresses by closing.
 */
export const MAX_SETUP_RETRIES = 2;

/**
 * What this device learnt about .sec files (used, refused by the relay, relay keys retired by a
 * rotate-identity), beside the credentials but in its own file: a revocation erases the credentials,
 * and a spent .sec stays spent after that.
 */
export const SEC_HISTORY_FILE_NAME = 'sec-history.json';

/**
 * How long a .sec is remembered after it expired. Past its expiry the clear header already says the
 * file is useless; a month covers a file left in ~/Downloads and a clock that was wrong for a while.
 */
export const SEC_HISTORY_KEEP_MS = 30 * 24 * 3_600_000;

/** Bound on remembered .sec files: far more than a device uses (one per connect without a credential). */
export const SEC_HISTORY_MAX_FILES = 200;

/** Bound on remembered retired relay keys (one per rotate-identity of a relay this device used). */
export const SEC_HISTORY_MAX_RETIRED_RELAYS = 16;

/**
 * A .sec whose clear header says it expired is refused before dialling only once it is this far past
 * its expiry: the relay's clock decides, and a client clock a little ahead must not turn a .sec the
 * relay would still take into a local refusal. Within the minute the relay is asked, and says so.
 */
export const SEC_EXPIRY_GRACE_MS = 60_000;
