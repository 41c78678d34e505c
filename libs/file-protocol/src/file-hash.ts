/**
 * Streaming sha256 over part of an open file, with one reusable buffer so memory stays flat no
 * matter how large the file is.
 */
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { ProtocolError } from '@clawchat/protocol';
import { HASH_READ_BYTES } from './constants';

/**
 * Uninitialised bytes as a plain Uint8Array (no zero-fill cost for 256 KiB chunks). A Uint8Array
 * rather than a Buffer because this workspace's @types/node and TypeScript disagree about Buffer.
 */
export function allocBytes(length: number): Uint8Array {
  const buffer = Buffer.allocUnsafe(length);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

/** Error for a file that shrank or changed while we were reading it. */
export function changedWhileReading(clientPath: string): ProtocolError {
  return new ProtocolError('BUSY', `"${clientPath}" changed on the server while being read; retry.`);
}

/**
 * Reads exactly `length` bytes at `position` into `target` (from index 0).
 * Throws BUSY if the file ends early (it was truncated meanwhile).
 */
export async function readExactly(
  handle: FileHandle,
  target: Uint8Array,
  length: number,
  position: number,
  clientPath: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(target, done, length - done, position + done);
    if (bytesRead === 0) throw changedWhileReading(clientPath);
    done += bytesRead;
  }
}

/** Feeds bytes [start, end) of the file into `hash`. */
export async function hashRange(
  handle: FileHandle,
  start: number,
  end: number,
  hash: Hash,
  clientPath: string,
  scratch?: Uint8Array,
): Promise<void> {
  if (start >= end) return;
  const buffer = scratch ?? allocBytes(Math.min(HASH_READ_BYTES, end - start));
  for (let position = start; position < end; ) {
    const length = Math.min(buffer.length, end - position);
    await readExactly(handle, buffer, length, position, clientPath);
    hash.update(buffer.subarray(0, length));
    position += length;
  }
}
