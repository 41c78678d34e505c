// Thin I/O adapters: .sec files and the bootstrap key on disk. The formats live in the pure modules.
import * as fs from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '@clawchat/atomic-file';
import { generateBootstrapKey, normalizeBootstrapKey, validateBootstrapKey } from './bootstrap-key';
import { BOOTSTRAP_KEY_FILE_NAME, CURRENT_SEC_FILE_NAME } from './constants';
import type { RelayEndpoint, SecBody } from './sec-body';
import { openSec, readSecHeader, sealSec, type SecHeader } from './sec-format';
import type { Ticket } from './ticket';

/** The body the relay seals for one ticket. */
export function secBodyForTicket(ticket: Ticket, relays: RelayEndpoint[], relayPublicKey: string): SecBody {
  return {
    v: 1,
    relays: relays.map(({ host, port }) => ({ host, port })),
    relayPublicKey,
    ticketId: ticket.ticketId,
    psk: ticket.psk,
    issuedAt: ticket.issuedAt,
    expiresAt: ticket.expiresAt,
    protocol: 1,
  };
}

export function currentSecPath(securityDir: string): string {
  return path.join(securityDir, CURRENT_SEC_FILE_NAME);
}

export async function writeSecFile(filePath: string, body: SecBody, bootstrapKey: string): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true, mode: 0o700 });
  await writeFileAtomic(filePath, sealSec(body, bootstrapKey));
}

/** Errors name the file by its base name, so the user knows which one is bad. */
export async function readSecFile(filePath: string, bootstrapKey: string): Promise<SecBody> {
  return openSec(await readFile(filePath), bootstrapKey, path.basename(filePath));
}

export async function readSecFileHeader(filePath: string): Promise<SecHeader> {
  return readSecHeader(await readFile(filePath), path.basename(filePath));
}

export type BootstrapKeySource = 'env' | 'file' | 'generated';

export interface ResolvedBootstrapKey {
  key: string;
  source: BootstrapKeySource;
  /** The file that holds the key (source 'file' or 'generated'); log this, never the key. */
  file?: string;
}

/**
 * CLAWCHAT_BOOTSTRAP_KEY wins; else the key stored in the security dir; else (only when `create`,
 * i.e. the relay) a new key is generated and stored 0600. Returns null when there is none to use.
 */
export function resolveBootstrapKey(opts: {
  envValue: string | undefined;
  securityDir: string;
  create: boolean;
}): ResolvedBootstrapKey | null {
  if (opts.envValue !== undefined && opts.envValue.trim() !== '') {
    const key = normalizeBootstrapKey(opts.envValue);
    validateBootstrapKey(key);
    return { key, source: 'env' };
  }
  const file = path.join(opts.securityDir, BOOTSTRAP_KEY_FILE_NAME);
  let stored: string | undefined;
  try {
    stored = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stored !== undefined) {
    const key = normalizeBootstrapKey(stored);
    validateBootstrapKey(key);
    return { key, source: 'file', file };
  }
  if (!opts.create) return null;
  fs.mkdirSync(opts.securityDir, { recursive: true, mode: 0o700 });
  const key = generateBootstrapKey();
  writeFileAtomicSync(file, key + '\n');
  return { key, source: 'generated', file };
}
