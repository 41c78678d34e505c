/** Local file helpers shared by downloads and uploads. */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { HASH_READ_BYTES } from './constants';

/** Feeds bytes [0, length) of `path` into `hash`, reporting hashed bytes as it goes. */
export async function hashFilePrefix(path: string, length: number, hash: Hash, onBytes?: (hashed: number) => void): Promise<void> {
  if (length <= 0) return;
  let hashed = 0;
  const stream = createReadStream(path, { start: 0, end: length - 1, highWaterMark: HASH_READ_BYTES });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    hashed += chunk.length;
    onBytes?.(hashed);
  }
}

export async function sha256OfFile(path: string, length: number, onBytes?: (hashed: number) => void): Promise<string> {
  const hash = createHash('sha256');
  await hashFilePrefix(path, length, hash, onBytes);
  return hash.digest('hex');
}

/** Accepts the byte payload of FILE_DATA: a Uint8Array (Buffer included). */
export function asBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw Object.assign(new Error('The server sent a file piece without bytes; retry the transfer.'), { code: 'BAD_REQUEST' });
}

export function transferError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** Code of a local disk failure (permission, full disk, read-only folder...): the user's to fix, not the server's. */
export const LOCAL_FILE_ERROR = 'LOCAL_FILE';

function errnoOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * A node:fs failure on `path` as one line naming the user's own path (never the internal
 * `.clawchat-part` file) and what to do. Anything that is not an fs error passes through unchanged.
 */
export function localFileError(err: unknown, path: string, access: 'write' | 'read'): unknown {
  const errno = errnoOf(err);
  if (errno === undefined) return err;
  const fail = access === 'write' ? `cannot save ${path}` : `cannot read ${path}`;
  const other = access === 'write' ? 'choose another folder' : 'check the local path';
  let why: string;
  switch (errno) {
    case 'EACCES':
    case 'EPERM':
      why = `permission denied; ${access === 'write' ? 'choose another folder' : 'check its permissions'}`;
      break;
    case 'ENOSPC':
    case 'EDQUOT':
      why = 'the disk is full; free some space and retry (the download resumes where it stopped)';
      break;
    case 'EROFS':
      why = `the folder is read-only; ${other}`;
      break;
    case 'ENOTDIR':
    case 'EEXIST':
      why = `part of the path is a file, not a folder; ${other}`;
      break;
    case 'EISDIR':
      why = access === 'write' ? 'a folder has that name; choose another name' : 'it is a folder; upload files one at a time';
      break;
    case 'ENOENT':
      why = access === 'write' ? 'its folder cannot be created; choose another folder' : 'it does not exist; check the local path';
      break;
    case 'ENAMETOOLONG':
      why = 'the path is too long; choose a shorter one';
      break;
    default:
      why = `${errno}; ${other}`;
  }
  return transferError(LOCAL_FILE_ERROR, `${fail}: ${why}`);
}

/** Runs a local file operation, reporting its failure with localFileError. */
export async function onLocalFile<T>(path: string, access: 'write' | 'read', operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw localFileError(err, path, access);
  }
}
