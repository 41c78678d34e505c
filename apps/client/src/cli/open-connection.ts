/**
 * From the command line to a connected RelayConnection: a .sec (ticket, with the bootstrap key from
 * CLAWCHAT_BOOTSTRAP_KEY or a masked prompt) or the stored resumption credential, `--relay`
 * overriding the address, CLAWCHAT_HANDSHAKE_TIMEOUT_MS the handshake timeout.
 *
 * A .sec this device knows cannot connect is refused in one line before dialling: expired by its clear
 * header (a minute's grace for the clock), used by this device or refused by the relay before (the
 * .sec history, by the file's digest before the key prompt and by its ticket id after decrypting), or
 * sealed for a relay key a rotate-identity retired.
 */
import { basename } from 'node:path';
import { connectToFirst } from '../connection/connect';
import { ConnectError, retiredRelaySecMessage } from '../connection/connect-error';
import { SEC_EXPIRY_GRACE_MS } from '../connection/constants';
import type { CredentialStore } from '../connection/credential-store';
import type { RelayConnection } from '../connection/relay-connection';
import { findRetiredRelay, findSecRecord, type SecHistory } from '../connection/sec-history';
import { loadSec, openLoadedSec, targetFromStored, targetsFromSec, type RelayOverride } from '../connection/sec-target';
import { relativeTimeInText } from '../ui/state/time-format';
import { promptSecret } from './prompt-secret';
import { expiredNote, secVerdict, verdictRefusal } from './sec-verdict';
import { handshakeTimeoutFromEnv } from './settings';

export interface OpenOptions {
  sec?: string;
  relay?: RelayOverride;
  env: NodeJS.ProcessEnv;
  store: CredentialStore;
  /** Reconnect attempts after a lost session (the TUI keeps trying; scripts give up soon). */
  maxReconnectAttempts: number;
  /** Handshake timeout unless CLAWCHAT_HANDSHAKE_TIMEOUT_MS says otherwise (default: the protocol's). */
  handshakeTimeoutMs?: number;
  log?: (line: string) => void;
  /** Called just before the handshake starts, with the address being dialled. */
  onDial?: (relay: string) => void;
  /** A line worth telling the user that stops nothing (a .sec that looks expired by this computer's clock). */
  onNote?: (line: string) => void;
  /** Ask for the bootstrap key on the terminal when the environment has none. */
  prompt?: (question: string) => Promise<string>;
  /** The clock the .sec checks use (tests). */
  now?: () => number;
}

/**
 * Throws the one-line ConnectError when what this device learnt about the .sec (it used it, or the relay
 * refused it) says it cannot connect. An expiry that passed by this computer's clock is only a note: the
 * relay's clock decides (spec/transport.md), and a laptop's clock may be off by hours.
 */
async function refuseKnownUnusable(
  label: string,
  facts: { expiresAt: number; digest?: string; ticketId?: string },
  history: SecHistory,
  store: CredentialStore,
  now: number,
  note: ((line: string) => void) | undefined,
): Promise<void> {
  const record = findSecRecord(history, { digest: facts.digest, ticketId: facts.ticketId });
  const verdict = secVerdict({ expiresAt: facts.expiresAt, record }, now, SEC_EXPIRY_GRACE_MS);
  const expired = expiredNote(verdict, label, now);
  if (expired) note?.(expired);
  const holds = record?.outcome === 'used' && (await store.relayFor(record.relayPublicKey)) !== undefined;
  const refusal = verdictRefusal(verdict, label, now, holds);
  if (refusal) throw new ConnectError('TICKET', refusal);
}

/** How long after a rotate-identity a wrong-key error mentions it (a .sec copied before it may be the cause). */
const ROTATION_HINT_MS = 7 * 24 * 3_600_000;

export async function bootstrapKeyFor(secPath: string, env: NodeJS.ProcessEnv, prompt = promptSecret): Promise<string> {
  const fromEnv = env.CLAWCHAT_BOOTSTRAP_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return prompt(`Bootstrap key for ${secPath}: `);
}

export async function openConnection(o: OpenOptions): Promise<RelayConnection> {
  const handshakeTimeoutMs = handshakeTimeoutFromEnv(o.env) ?? o.handshakeTimeoutMs;
  const base = { store: o.store, maxReconnectAttempts: o.maxReconnectAttempts, log: o.log, ...(handshakeTimeoutMs ? { handshakeTimeoutMs } : {}) };
  if (o.sec) {
    const now = o.now ?? Date.now;
    const sec = await loadSec(o.sec);
    const label = basename(o.sec);
    const history = await o.store.secHistory();
    await refuseKnownUnusable(label, { expiresAt: sec.header.expiresAt, digest: sec.digest }, history, o.store, now(), o.onNote);
    const key = await bootstrapKeyFor(o.sec, o.env, o.prompt);
    // A rotation is worth naming next to a key that does not open the file only while it is recent.
    const rotation = history.retiredRelays.find((r) => now() - r.at < ROTATION_HINT_MS);
    const hint = rotation && `the relay's identity was rotated ${relativeTimeInText(rotation.at, now())}: a .sec written before that opens only with the old key, and cannot connect any more`;
    const body = openLoadedSec(sec, key, hint);
    // The same ticket may come in another file (sealed again); the key also names the relay.
    await refuseKnownUnusable(label, { expiresAt: body.expiresAt, ticketId: body.ticketId }, history, o.store, now(), undefined); // noted above
    const retired = findRetiredRelay(history, body.relayPublicKey);
    if (retired) throw new ConnectError('TICKET', retiredRelaySecMessage(label, relativeTimeInText(retired.at, now())));
    const targets = targetsFromSec(body, o.relay, sec.digest);
    o.onDial?.(targets.map((t) => `${t.host}:${t.port}`).join(', '));
    return connectToFirst(targets, base);
  }
  const stored = await o.store.latestRelay();
  if (!stored) {
    throw new ConnectError('NO_CREDENTIAL', 'no stored credential on this device — connect once with a .sec: clawchat --sec clawchat-current.sec ... (copy it from the relay)');
  }
  const target = targetFromStored(stored, o.relay);
  o.onDial?.(`${target.host}:${target.port}`);
  return connectToFirst([target], base);
}
