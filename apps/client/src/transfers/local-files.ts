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
