/**
 * The local key (transport.md "The local link"): 32 random bytes, base64 in <state>/local.key, mode
 * 0600, created on first start. The relay on the same host reads the same file; whoever holds it can
 * talk to this server, so it is created atomically (temp + fsync + link, which refuses to replace a
 * key another process created at the same moment) and never logged.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileExclusive } from '@clawchat/atomic-file';
import { ConfigError } from '@clawchat/llm';
import { LOCAL_KEY_BYTES, LOCAL_KEY_FILE } from './constants';

export interface LocalKey {
  key: Buffer;
  /** Where it came from, for the log ("CLAWCHAT_LOCAL_KEY" or the file path). */
  source: string;
  created: boolean;
  /** One line for the log when the file's permissions are too open. */
  warning?: string;
}

/** Decodes base64 (standard or url-safe, padding optional) of exactly 32 bytes; undefined otherwise. */
export function decodeLocalKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === LOCAL_KEY_BYTES ? key : undefined;
}

/** The new key's file, unless another process created one first (then its key is used). */
function createKeyFile(file: string): Promise<boolean> {
  return createFileExclusive(file, `${randomBytes(LOCAL_KEY_BYTES).toString('base64')}\n`, 0o600);
}

export async function loadOrCreateLocalKey(stateDir: string, fromEnv?: string): Promise<LocalKey> {
  if (fromEnv !== undefined) {
    const key = decodeLocalKey(fromEnv);
    if (!key) throw new ConfigError('CLAWCHAT_LOCAL_KEY must be the base64 of 32 bytes (the content of local.key); unset it to use the key file');
    return { key, source: 'CLAWCHAT_LOCAL_KEY', created: false };
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, LOCAL_KEY_FILE);
  let created = false;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`cannot read the local key ${file} (${(error as NodeJS.ErrnoException).code}); check its owner and permissions`);
    }
    created = await createKeyFile(file);
    text = await readFile(file, 'utf8');
  }
  const key = decodeLocalKey(text);
  if (!key) {
    throw new ConfigError(`${file} is not a valid local key (expected base64 of 32 bytes); delete it to create a new one, then restart the relay`);
  }
  const { mode } = await stat(file);
  const warning =
    (mode & 0o007) !== 0 ? `${file} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it` : undefined;
  return { key, source: file, created, warning };
}
