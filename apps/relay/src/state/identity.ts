/**
 * The relay's long-lived identity in the security dir: its static X25519 key (clients find it in the
 * .sec, so it must survive restarts) and its UDP port (clients holding a resumption credential dial the
 * same port again). Both are written atomically with mode 0600.
 */
import { randomInt, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateX25519KeyPair, x25519PublicFromPrivate, type X25519KeyPair } from '@clawchat/crypto';
import { removeStaleTempFilesSync, writeFileAtomicSync } from '@clawchat/atomic-file';

const KEY_FILE = 'relay-static.key';
const PORT_FILE = 'relay.port';
/** The seed's range for the public port: the dynamic/private range nobody registers. */
export const PORT_MIN = 49152;
export const PORT_MAX = 65535;

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function loadOrCreateStaticKey(securityDir: string): { keyPair: X25519KeyPair; created: boolean } {
  const file = path.join(securityDir, KEY_FILE);
  removeStaleTempFilesSync(file); // a write cut short by a crash
  const stored = readOptional(file);
  if (stored !== undefined) {
    const privateKey = Buffer.from(stored.trim(), 'base64');
    if (privateKey.length !== 32) throw new Error(`${file} is damaged (expected a base64 X25519 private key); restore it or run clawchat-relay rotate-identity`);
    return { keyPair: { privateKey, publicKey: x25519PublicFromPrivate(privateKey) }, created: false };
  }
  const keyPair = generateX25519KeyPair();
  writeFileAtomicSync(file, keyPair.privateKey.toString('base64') + '\n');
  return { keyPair, created: true };
}

export function replaceStaticKey(securityDir: string): X25519KeyPair {
  const keyPair = generateX25519KeyPair();
  writeFileAtomicSync(path.join(securityDir, KEY_FILE), keyPair.privateKey.toString('base64') + '\n');
  return keyPair;
}

/** The port to listen on: the flag, else the saved one, else a random one in the seed's range. */
export function choosePort(securityDir: string, flag: number | undefined): number {
  if (flag !== undefined) return flag;
  const saved = Number(readOptional(path.join(securityDir, PORT_FILE))?.trim());
  if (Number.isInteger(saved) && saved >= 1 && saved <= 65535) return saved;
  return randomPublicPort();
}

export function randomPublicPort(): number {
  return randomInt(PORT_MIN, PORT_MAX + 1);
}

export function savePort(securityDir: string, port: number): void {
  writeFileAtomicSync(path.join(securityDir, PORT_FILE), `${port}\n`);
}

/** A short, readable fingerprint of a public key for logs and `revoke` (never the key itself). */
export function fingerprint(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16).replace(/(.{4})(?!$)/g, '$1:');
}
