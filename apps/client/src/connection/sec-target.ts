/**
 * Turning what the user holds into something to connect with: a .sec file plus the bootstrap key
 * (a ticket), or a stored resumption credential. Every failure is a ConnectError with the one line
 * the security-file library wrote for it (wrong key, truncated, tampered, unknown version).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { BootstrapKeyError, SecError, openSec, readSecFile, readSecHeader, validateBootstrapKey, type SecBody, type SecHeader } from '@clawchat/security-file';
import { ConnectError } from './connect-error';
import type { StoredRelay } from './credential-store';
import type { ConnectTarget } from './relay-connection';
import { secDigest } from './sec-history';

export interface RelayOverride {
  host: string;
  port: number;
}

/**
 * A .sec read once: its clear header and the digest that recognises it. A file that is not a .sec (or
 * is cut short) fails here, before a key is asked for.
 */
export interface LoadedSec {
  path: string;
  bytes: Buffer;
  header: SecHeader;
  digest: string;
}

export async function loadSec(path: string): Promise<LoadedSec> {
  try {
    const bytes = await readFile(path);
    return { path, bytes, header: readSecHeader(bytes, basename(path)), digest: secDigest(bytes) };
  } catch (err) {
    throw secFailure(path, err);
  }
}

/**
 * Decrypts the bytes `loadSec` read (not the file again: the relay may have replaced it meanwhile).
 * `wrongKeyHint` is added to a "wrong bootstrap key or modified" error (e.g. a rotation this device saw).
 */
export function openLoadedSec(sec: LoadedSec, bootstrapKey: string, wrongKeyHint?: string): SecBody {
  try {
    validateBootstrapKey(bootstrapKey);
    return openSec(sec.bytes, bootstrapKey, basename(sec.path));
  } catch (err) {
    if (wrongKeyHint && err instanceof SecError && err.code === 'WRONG_KEY_OR_TAMPERED') throw new ConnectError('SEC_FILE', `${err.message} (${wrongKeyHint})`);
    throw secFailure(sec.path, err);
  }
}

export async function readSec(path: string, bootstrapKey: string): Promise<SecBody> {
  try {
    validateBootstrapKey(bootstrapKey);
    return await readSecFile(path, bootstrapKey);
  } catch (err) {
    throw secFailure(path, err);
  }
}

function secFailure(path: string, err: unknown): unknown {
  if (err instanceof SecError) return new ConnectError('SEC_FILE', err.message);
  if (err instanceof BootstrapKeyError) return new ConnectError('BOOTSTRAP_KEY', err.message);
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ConnectError('SEC_FILE', `cannot open ${path}: no such file — check the path of the .sec`);
  if (code === 'EACCES') return new ConnectError('SEC_FILE', `cannot open ${path}: permission denied`);
  if (code === 'EISDIR') return new ConnectError('SEC_FILE', `${path} is a folder, not a .sec file`);
  return err;
}

/**
 * One target per relay address in the .sec (in its order of preference), or just the override.
 * `digest` (of the file) lets the connection remember the .sec once the relay took or refused it.
 */
export function targetsFromSec(body: SecBody, override?: RelayOverride, digest?: string): ConnectTarget[] {
  const credential = {
    kind: 'ticket' as const,
    ticketId: Buffer.from(body.ticketId, 'base64url'),
    psk: Buffer.from(body.psk, 'base64'),
    ...(digest ? { sec: { digest, expiresAt: body.expiresAt } } : {}),
  };
  const relayPublicKey = Buffer.from(body.relayPublicKey, 'base64');
  const endpoints = override ? [override] : body.relays;
  return endpoints.map(({ host, port }) => ({ host, port, relayPublicKey, credential }));
}

export function targetFromStored(stored: StoredRelay, override?: RelayOverride): ConnectTarget {
  return {
    host: override?.host ?? stored.host,
    port: override?.port ?? stored.port,
    relayPublicKey: Buffer.from(stored.relayPublicKey, 'base64'),
    credential: { kind: 'resumption', resumptionId: Buffer.from(stored.resumptionId, 'base64url'), psk: Buffer.from(stored.resumptionPsk, 'base64') },
  };
}
