/**
 * Why the client cannot connect, as one line a person can act on. Each has a kind so the CLI maps all
 * of them to exit code 3 and tests can tell them apart; the message never carries a stack or a secret.
 */
import { CloseCode } from '@clawchat/protocol';

export type ConnectErrorKind =
  /** The .sec file cannot be read, decrypted or used (SecError), or the bootstrap key is unusable. */
  | 'SEC_FILE'
  | 'BOOTSTRAP_KEY'
  /** The stored credential file is unreadable or damaged. */
  | 'CREDENTIAL'
  /** Neither a .sec nor a stored credential to connect with. */
  | 'NO_CREDENTIAL'
  /** The relay refused the .sec's ticket (expired, already used, revoked). */
  | 'TICKET'
  /** This device's keys were revoked (compromise procedure). */
  | 'REVOKED'
  /** No answer to the handshake within the timeout. */
  | 'UNREACHABLE'
  /** The session ended for good (closed by the relay, or reconnecting gave up). */
  | 'CLOSED'
  /** Client and LLM server speak no common catalogue version. */
  | 'VERSION';

export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly kind: ConnectErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const NEW_SEC = 'copy the newest clawchat-current.sec from the relay, or run `clawchat-relay issue` there for a fresh one';

/**
 * The relay completed the handshake only to refuse the ticket: say which way it was spent. The
 * relay's close reason explains the same thing in its own words (it goes to the debug log); wrapping
 * it here would say everything twice, so the code alone picks the sentence.
 */
export function ticketRefusalMessage(code: number): string | undefined {
  switch (code) {
    case CloseCode.TICKET_EXPIRED:
      return `this .sec has expired — ${NEW_SEC}`;
    case CloseCode.TICKET_USED:
      return `this .sec was already used by another device (each .sec connects one device) — ${NEW_SEC}`;
    case CloseCode.TICKET_REVOKED:
      return `this .sec was revoked by the compromise procedure — ${NEW_SEC}`;
    default:
      return undefined;
  }
}

export const REVOKED_MESSAGE = "this device's keys were revoked by the relay (compromise procedure) — load a new .sec to connect again";

/** What a user must fetch from the relay after `clawchat-relay rotate-identity`: the bootstrap key changed too. */
const AFTER_ROTATION =
  "copy the new clawchat-current.sec and the new bootstrap key (bootstrap.key in the relay's security folder; update CLAWCHAT_BOOTSTRAP_KEY if you set it) from the relay and connect with them";

/**
 * `clawchat-relay rotate-identity` on the relay: new relay key, new bootstrap key, every device revoked.
 * The relay closes with IDENTITY_ROTATED; its COMPROMISED notice, which arrives first in the same
 * packet, says so in its reason (see isIdentityRotation).
 */
export const ROTATED_MESSAGE = `the relay's identity was rotated (new relay key and bootstrap key), so this device's credential no longer works — ${AFTER_ROTATION}`;

/** A .sec sealed for a relay key this device saw retired by a rotate-identity. */
export function retiredRelaySecMessage(label: string, ago: string): string {
  return `${label} was issued before the relay's identity was rotated (${ago}), so it cannot connect — ${AFTER_ROTATION}`;
}

/**
 * The relay's COMPROMISED reason for a rotation reads "this device's credential was revoked (relay
 * identity rotated); load a new .sec" (apps/relay rotateIdentity → revoke(peers, 'relay identity
 * rotated')). The notice has no field for it; the close code that follows (IDENTITY_ROTATED, 9) does,
 * so a client that missed the wording still tells the user, and a relay older than code 9 is still
 * recognised by this reason.
 */
export function isIdentityRotation(reason: unknown): boolean {
  return typeof reason === 'string' && /\bidentity rotated\b/i.test(reason);
}

export function unreachableMessage(relay: string, resuming: boolean): string {
  return resuming
    ? `cannot reach the relay at ${relay}, or this device was revoked, its stored credential is an old copy (a restored backup) or the relay's identity rotated — check that the relay is running, or load a new .sec (after a rotate-identity, with the relay's new bootstrap key)`
    : `cannot reach the relay at ${relay} — check that the relay is running and that its address and UDP port are reachable (override with --relay host:port)`;
}
