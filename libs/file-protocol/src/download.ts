/**
 * A pull-based download: each next() reads one chunk from disk, so the caller applies backpressure
 * simply by not asking for the next chunk until the previous one has been sent. Memory use is one
 * chunk plus one hash buffer, whatever the file size.
 *
 * The final event carries the sha256 of the WHOLE file even when only a range was asked for (that is
 * what FILE_DONE promises, so a resumed transfer can verify the result): the bytes before the range
 * are hashed before the first chunk, those after it before the final event.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { allocBytes, changedWhileReading, hashRange, readExactly } from './file-hash';

export interface DownloadChunk {
  readonly kind: 'data';
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface DownloadDone {
  readonly kind: 'done';
  readonly size: number;
  readonly sha256: string;
}

export type DownloadEvent = DownloadChunk | DownloadDone;

export interface Download extends AsyncIterableIterator<DownloadEvent> {
  /** Size of the whole file when it was opened. */
  readonly size: number;
  /** First byte that will be sent. */
  readonly offset: number;
  /** One past the last byte that will be sent. */
  readonly end: number;
  /** Stops the transfer and closes the file; safe to call more than once. */
  close(): Promise<void>;
}

export interface DownloadPlan {
  readonly handle: FileHandle;
  readonly stats: Stats;
  readonly clientPath: string;
  readonly offset: number;
  readonly end: number;
  readonly chunkBytes: number;
}

/** Wraps an already opened and checked file handle. The download owns (and closes) the handle. */
export function createDownload(plan: DownloadPlan): Download {
  const events = streamEvents(plan);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await events.return(undefined);
    // If iteration never started the generator's finally did not run; closing twice is harmless.
    await plan.handle.close().catch(() => undefined);
  };
  const download: Download = {
    size: plan.stats.size,
    offset: plan.offset,
    end: plan.end,
    close,
    next: async () => {
      if (closed) return { done: true, value: undefined };
      try {
        const result = await events.next();
        if (result.done) await close();
        return result;
      } catch (err) {
        await close();
        throw err;
      }
    },
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return download;
    },
  };
  return download;
}

async function* streamEvents(plan: DownloadPlan): AsyncGenerator<DownloadEvent, undefined, undefined> {
  const { handle, stats, clientPath, offset, end, chunkBytes } = plan;
  try {
    const hash = createHash('sha256');
    await hashRange(handle, 0, offset, hash, clientPath);
    for (let position = offset; position < end; ) {
      const length = Math.min(chunkBytes, end - position);
      // A fresh buffer per chunk: the caller may still hold the previous one while sending it.
      const bytes = allocBytes(length);
      await readExactly(handle, bytes, length, position, clientPath);
      hash.update(bytes);
      yield { kind: 'data', offset: position, bytes };
      position += length;
    }
    await hashRange(handle, end, stats.size, hash, clientPath);
    // The hash is only meaningful if nobody wrote to the file while we streamed it.
    const after = await handle.stat();
    if (after.size !== stats.size || after.mtimeMs !== stats.mtimeMs) throw changedWhileReading(clientPath);
    yield { kind: 'done', size: stats.size, sha256: hash.digest('hex') };
  } finally {
    await handle.close().catch(() => undefined);
  }
  return undefined;
}
