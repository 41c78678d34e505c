/** Timers and names of the client's connection, each with the reason for its value. */
import { secureConstants } from '@clawchat/protocol';

/** Name and version announced in HELLO.client (diagnostics on the server) and printed by --version. */
export const CLIENT_VERSION = '0.1.0';
export const CLIENT_NAME = `clawchat/${CLIENT_VERSION}`;

/**
 * Silence (no authenticated packet) after which a client with requests in flight starts a new
 * handshake: transport.md fixes 15 s, WireGuard's keepalive + rekey timeout.
 */
export const RECONNECT_AFTER_MS = secureConstants.RECONNECT_AFTER_MS;

/**
 * With requests in flight and nothing heard for this long, the client sends an ack-eliciting probe,
 * so "silence" means the relay is gone, not merely that a slow LLM has nothing to say yet.
 */
export const PROBE_AFTER_MS = 5_000;

/** How often the connection checks for silence and refreshes its status (RTT, key age). */
export const WATCHDOG_INTERVAL_MS = 1_000;

/** Default handshake give-up time (the protocol's); CLAWCHAT_HANDSHAKE_TIMEOUT_MS overrides it for tests. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = secureConstants.HANDSHAKE_TIMEOUT_MS;

/**
 * HELLO is answered by the LLM server through the relay; the relay itself gives up on the LLM server
 * after 60 s and answers LLM_UNREACHABLE, so waiting a little longer than that never cuts a real answer.
 */
export const WELCOME_TIMEOUT_MS = 65_000;

/** /compromised: how long to wait for the relay to confirm the revocation before saying it may not have. */
export const COMPROMISE_CONFIRM_TIMEOUT_MS = 10_000;

/** File of the stored device key and resumption credentials, under the client's state dir. */
export const CREDENTIALS_FILE_NAME = 'credentials.json';

/**
 * Sessions lost before the first WELCOME that the client retries (with the resumption credential it
 * was just given). More would only repeat a refusal the relay expresses by closing.
 */
export const MAX_SETUP_RETRIES = 2;
