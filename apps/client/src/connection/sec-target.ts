/**
 * Turning what the user holds into something to connect with: a .sec file plus the bootstrap key
 * (a ticket), or a stored resumption credential. Every failure is a ConnectError with the one line
 * the security-file library wrote for it (wrong key, truncated, tampered, unknown version).
 */
import { BootstrapKeyError, SecError, readSecFile, readSecFileHeader, validateBootstrapKey, type SecBody, type SecHeader } from '@clawchat/security-file';
import { ConnectError } from './connect-error';
import type { StoredRelay } from './credential-store';
import type { ConnectTarget } from './relay-connection';

export interface RelayOverride {
  host: string;
  port: number;
}

/** The clear header only: a file that is not a .sec (or is cut short) fails before a key is asked for. */
export async function readSecHeaderOf(path: string): Promise<SecHeader> {
  try {
    return await readSecFileHeader(path);
  } catch (err) {
    throw secFailure(path, err);
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

/** One target per relay address in the .sec (in its order of preference), or just the override. */
export function targetsFromSec(body: SecBody, override?: RelayOverride): ConnectTarget[] {
  const credential = { kind: 'ticket' as const, ticketId: Buffer.from(body.ticketId, 'base64url'), psk: Buffer.from(body.psk, 'base64') };
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
