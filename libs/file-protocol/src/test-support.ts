/**
 * Helpers shared by this library's specs (not exported from index.ts).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@clawchat/protocol';
import type { Download } from './download';

export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `clawchat-files-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Resolves to the ProtocolError code a promise rejects with ('RESOLVED' if it does not reject). */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return 'RESOLVED';
}

export interface CollectedDownload {
  readonly chunks: { offset: number; length: number }[];
  readonly bytes: Buffer;
  readonly size: number;
  readonly sha256: string;
}

/** Drains a download into memory (small files only). */
export async function collect(download: Download): Promise<CollectedDownload> {
  const chunks: { offset: number; length: number }[] = [];
  const parts: Uint8Array[] = [];
  for await (const event of download) {
    if (event.kind === 'data') {
      chunks.push({ offset: event.offset, length: event.bytes.length });
      parts.push(event.bytes);
    } else {
      return { chunks, bytes: Buffer.concat(parts), size: event.size, sha256: event.sha256 };
    }
  }
  throw new Error('download ended without a done event');
}

/** Deterministic pseudo-random bytes (so failures are reproducible). */
export function patternBytes(length: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}
