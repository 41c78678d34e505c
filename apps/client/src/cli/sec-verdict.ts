/**
 * Whether a .sec can still connect, as far as this device can tell without dialling (pure): its clear
 * header (expiry, or unreadable) and the device's .sec history (used here, refused by the relay before).
 * The picker shows the short note; `clawchat --sec F` refuses with the one-line reason before dialling.
 */
import { CloseCode } from '@clawchat/protocol';
import { relativeTime, relativeTimeInText } from '../ui/state/time-format';
import { NEW_SEC, ticketRefusalMessage } from '../connection/connect-error';
import type { SecOutcome, SecRecord } from '../connection/sec-history';

export type SecVerdict =
  | { usable: true; expiresAt?: number }
  | { usable: false; why: 'unreadable'; problem: string }
  /** The clear header's expiry has passed (this computer's clock). */
  | { usable: false; why: 'expired'; expiresAt: number }
  /** This device used it, or the relay refused it when this device tried. */
  | { usable: false; why: 'history'; record: SecRecord };

export interface SecFacts {
  expiresAt?: number;
  problem?: string;
  record?: SecRecord;
}

/** `graceMs`: how far past its expiry a .sec must be to count as expired (the relay's clock decides). */
export function secVerdict(f: SecFacts, now: number, graceMs = 0): SecVerdict {
  if (f.problem !== undefined) return { usable: false, why: 'unreadable', problem: f.problem };
  if (f.record) return { usable: false, why: 'history', record: f.record };
  if (f.expiresAt !== undefined && f.expiresAt + graceMs <= now) return { usable: false, why: 'expired', expiresAt: f.expiresAt };
  return { usable: true, expiresAt: f.expiresAt };
}

const REFUSAL_CODE: Record<Exclude<SecOutcome, 'used'>, number> = {
  expired: CloseCode.TICKET_EXPIRED,
  'used-elsewhere': CloseCode.TICKET_USED,
  revoked: CloseCode.TICKET_REVOKED,
};

/** The picker's note after the file name: `expires in 9m`, `expired 12m ago`, `already used by this device 2h00m ago`. */
export function verdictNote(v: SecVerdict, now: number): string {
  if (v.usable) return v.expiresAt === undefined ? '' : `expires ${relativeTime(v.expiresAt, now)}`;
  switch (v.why) {
    case 'unreadable':
      return 'unreadable';
    case 'expired':
      return `expired ${relativeTimeInText(v.expiresAt, now)}`;
    case 'history':
      switch (v.record.outcome) {
        case 'used':
          return `already used by this device ${relativeTimeInText(v.record.at, now)}`;
        case 'used-elsewhere':
          return 'already used by another device';
        case 'revoked':
          return 'revoked by the compromise procedure';
        case 'expired':
          // The relay said so although this computer's clock may not agree.
          return v.record.expiresAt <= now ? `expired ${relativeTimeInText(v.record.expiresAt, now)}` : 'expired (by the relay’s clock)';
      }
  }
}

/**
 * The one line `clawchat --sec F` stops with instead of dialling; undefined when the .sec may connect.
 * `label` names the file; `holdsCredential` says whether this device can reconnect to that relay
 * without a .sec (it used this one, and has not been revoked since). Only what this device saw happen
 * refuses: an expiry by this computer's clock is for the relay's clock to judge (spec/transport.md),
 * so it gets expiredNote() and is tried.
 */
export function verdictRefusal(v: SecVerdict, label: string, now: number, holdsCredential: boolean): string | undefined {
  // An unreadable file has its own error on reading.
  if (v.usable || v.why === 'unreadable' || v.why === 'expired') return undefined;
  const r = v.record;
  if (r.outcome !== 'used') return ticketRefusalMessage(REFUSAL_CODE[r.outcome]);
  const next = holdsCredential ? 'this device still holds its credential for that relay: leave the .sec out and it reconnects with that' : NEW_SEC;
  return `${label} was already used by this device ${relativeTimeInText(r.at, now)} (each .sec connects once) — ${next}`;
}

/** The line `clawchat --sec F` prints before trying a .sec that looks expired by this computer's clock. */
export function expiredNote(v: SecVerdict, label: string, now: number): string | undefined {
  if (v.usable || v.why !== 'expired') return undefined;
  return `${label} looks expired by this computer's clock (${relativeTimeInText(v.expiresAt, now)}); trying anyway, the relay's clock decides`;
}
