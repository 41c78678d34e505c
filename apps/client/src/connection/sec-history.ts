/**
 * What this device learnt about .sec files (pure; the CredentialStore reads and writes the file): the
 * ones it used (the relay took the ticket and handed out a credential), the ones the relay refused and
 * why, and the relay keys a `clawchat-relay rotate-identity` retired. The picker marks those files and
 * the client refuses them before dialling, instead of after a round trip and a bootstrap-key prompt.
 *
 * A .sec is recognised by the SHA-256 of its bytes, which needs no bootstrap key (the ticket id is
 * sealed inside), and also by its ticket id once it is decrypted. Nothing here is secret or lets
 * anyone connect. Advisory: a damaged file reads as empty, so it can never keep anyone out.
 */
import { createHash } from 'node:crypto';
import { SEC_HISTORY_KEEP_MS, SEC_HISTORY_MAX_FILES, SEC_HISTORY_MAX_RETIRED_RELAYS } from './constants';

/** `used`: by this device. The others are the relay's refusals (close codes 6, 7, 8). */
export type SecOutcome = 'used' | 'expired' | 'used-elsewhere' | 'revoked';

export interface SecRecord {
  /** SHA-256 of the .sec file's bytes, hex. */
  digest: string;
  /** base64url, as in the .sec body. */
  ticketId: string;
  /** base64, as in the .sec body: tells whether this device still holds a credential for that relay. */
  relayPublicKey: string;
  outcome: SecOutcome;
  /** When this device learnt it (ms since the epoch). */
  at: number;
  /** The .sec's own expiry, for forgetting the record a while after it. */
  expiresAt: number;
}

export interface RetiredRelay {
  relayPublicKey: string;
  at: number;
}

export interface SecHistory {
  /** Most recent first. */
  secs: SecRecord[];
  retiredRelays: RetiredRelay[];
}

export const emptySecHistory = (): SecHistory => ({ secs: [], retiredRelays: [] });

export function secDigest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const OUTCOMES: readonly string[] = ['used', 'expired', 'used-elsewhere', 'revoked'];
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isSecRecord(v: unknown): v is SecRecord {
  if (!v || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return isText(r.digest) && isText(r.ticketId) && isText(r.relayPublicKey) && OUTCOMES.includes(r.outcome as string) && isTime(r.at) && isTime(r.expiresAt);
}

function isRetiredRelay(v: unknown): v is RetiredRelay {
  return !!v && typeof v === 'object' && isText((v as RetiredRelay).relayPublicKey) && isTime((v as RetiredRelay).at);
}

/** Lenient: anything unreadable is dropped (the whole file when it is not JSON). */
export function parseSecHistory(text: string): SecHistory {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return emptySecHistory();
  }
  const f = parsed as { version?: unknown; secs?: unknown; retiredRelays?: unknown } | null;
  if (!f || f.version !== 1) return emptySecHistory();
  return {
    secs: Array.isArray(f.secs) ? f.secs.filter(isSecRecord) : [],
    retiredRelays: Array.isArray(f.retiredRelays) ? f.retiredRelays.filter(isRetiredRelay) : [],
  };
}

export function serializeSecHistory(h: SecHistory): string {
  return JSON.stringify({ version: 1, secs: h.secs, retiredRelays: h.retiredRelays }, null, 2) + '\n';
}

/** Adds (or replaces: same file or same ticket) a record, and forgets the ones long expired. */
export function withSecRecord(h: SecHistory, record: SecRecord, now: number): SecHistory {
  const others = h.secs.filter((r) => r.digest !== record.digest && r.ticketId !== record.ticketId && r.expiresAt + SEC_HISTORY_KEEP_MS > now);
  return { ...h, secs: [record, ...others].slice(0, SEC_HISTORY_MAX_FILES) };
}

export function withRetiredRelay(h: SecHistory, relayPublicKey: string, now: number): SecHistory {
  const others = h.retiredRelays.filter((r) => r.relayPublicKey !== relayPublicKey);
  return { ...h, retiredRelays: [{ relayPublicKey, at: now }, ...others].slice(0, SEC_HISTORY_MAX_RETIRED_RELAYS) };
}

/** The record of a file (by its bytes) or of its ticket (once decrypted). */
export function findSecRecord(h: SecHistory, by: { digest?: string; ticketId?: string }): SecRecord | undefined {
  return h.secs.find((r) => (by.digest !== undefined && r.digest === by.digest) || (by.ticketId !== undefined && r.ticketId === by.ticketId));
}

export function findRetiredRelay(h: SecHistory, relayPublicKey: string): RetiredRelay | undefined {
  return h.retiredRelays.find((r) => r.relayPublicKey === relayPublicKey);
}
