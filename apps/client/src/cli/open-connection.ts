/**
 * From the command line to a connected RelayConnection: a .sec (ticket, with the bootstrap key from
 * CLAWCHAT_BOOTSTRAP_KEY or a masked prompt) or the stored resumption credential, `--relay`
 * overriding the address, CLAWCHAT_HANDSHAKE_TIMEOUT_MS the handshake timeout.
 */
import { connectToFirst } from '../connection/connect';
import { ConnectError } from '../connection/connect-error';
import type { CredentialStore } from '../connection/credential-store';
import type { RelayConnection } from '../connection/relay-connection';
import { readSec, readSecHeaderOf, targetFromStored, targetsFromSec, type RelayOverride } from '../connection/sec-target';
import { promptSecret } from './prompt-secret';
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
  /** Ask for the bootstrap key on the terminal when the environment has none. */
  prompt?: (question: string) => Promise<string>;
}

export async function bootstrapKeyFor(secPath: string, env: NodeJS.ProcessEnv, prompt = promptSecret): Promise<string> {
  const fromEnv = env.CLAWCHAT_BOOTSTRAP_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return prompt(`Bootstrap key for ${secPath}: `);
}

export async function openConnection(o: OpenOptions): Promise<RelayConnection> {
  const handshakeTimeoutMs = handshakeTimeoutFromEnv(o.env) ?? o.handshakeTimeoutMs;
  const base = { store: o.store, maxReconnectAttempts: o.maxReconnectAttempts, log: o.log, ...(handshakeTimeoutMs ? { handshakeTimeoutMs } : {}) };
  if (o.sec) {
    await readSecHeaderOf(o.sec);
    const key = await bootstrapKeyFor(o.sec, o.env, o.prompt);
    const body = await readSec(o.sec, key);
    const targets = targetsFromSec(body, o.relay);
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
