/**
 * Download one remote file: FILE_DOWNLOAD {path, offset} is answered by FILE_DATA {offset, bytes}
 * pieces and FILE_DONE {size, sha256}. Bytes go to `<local>.clawchat-part`; only after the size and
 * sha256 match is it renamed into place, so a half-written or corrupt file never carries the real
 * name. A dropped session or a later call resumes from the bytes already in the part file. A missing
 * download folder is created; a download that fails before its first byte leaves no part file.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ClientConnection, Message } from '../connection/types';
import { MAX_TRANSFER_RESUMES, PARTIAL_DOWNLOAD_SUFFIX } from './constants';
import { isResumable, waitUntilConnected } from './connection-wait';
import { asBytes, hashFilePrefix, onLocalFile, transferError } from './local-files';
import type { TransferProgress, TransferResult } from './types';

export interface DownloadOptions {
  remotePath: string;
  localPath: string;
  /** Replace an existing local file (default: refuse with EXISTS). */
  overwrite?: boolean;
  /** Size from the listing, so progress has a total before the server's FILE_DONE. */
  expectedSize?: number;
  onProgress?: (progress: TransferProgress) => void;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

export async function downloadFile(conn: ClientConnection, options: DownloadOptions): Promise<TransferResult> {
  const { remotePath, localPath, onProgress } = options;
  if (!options.overwrite && (await sizeOf(localPath)) !== undefined) {
    throw transferError('EXISTS', `${localPath} already exists.`);
  }
  const partPath = localPath + PARTIAL_DOWNLOAD_SUFFIX;
  // Every local failure names the user's target, never the part file the user did not ask for.
  const onDisk = <T>(operation: () => Promise<T>) => onLocalFile(localPath, 'write', operation);
  // A download folder that is not there yet (npm start's, or a name typed in the prompt) is made.
  await onDisk(() => mkdir(dirname(localPath), { recursive: true }));
  const resumeFrom = (await sizeOf(partPath)) ?? 0;
  const hash = createHash('sha256');
  onProgress?.({ phase: 'hashing', bytesDone: 0, totalBytes: resumeFrom });
  await onDisk(() => hashFilePrefix(partPath, resumeFrom, hash, (n) => onProgress?.({ phase: 'hashing', bytesDone: n, totalBytes: resumeFrom })));
  const file = await onDisk(() => open(partPath, resumeFrom > 0 ? 'r+' : 'w'));
  let written = resumeFrom;
  let totalBytes = options.expectedSize;
  let closed = false;
  const closeFile = async () => {
    if (!closed) {
      closed = true;
      await file.close();
    }
  };
  try {
    for (let resumes = 0; ; resumes++) {
      try {
        const done = await fetchFrom(conn, remotePath, file, written, localPath, (piece) => {
          written = piece.writtenTo;
          hash.update(piece.bytes);
          totalBytes = piece.totalBytes ?? totalBytes;
          onProgress?.({ phase: 'transferring', bytesDone: written, totalBytes });
        });
        const size = Number(done.size);
        const sha256 = String(done.sha256);
        const actual = hash.digest('hex');
        if (written !== size || actual !== sha256) {
          await closeFile();
          await unlink(partPath).catch(() => undefined);
          throw transferError('CHECKSUM_MISMATCH', `${remotePath} arrived damaged (size or sha256 differs); download it again.`);
        }
        await onDisk(() => file.sync());
        await closeFile();
        await onDisk(() => rename(partPath, localPath));
        onProgress?.({ phase: 'done', bytesDone: size, totalBytes: size });
        return { size, sha256, localPath, remotePath };
      } catch (err) {
        if (!isResumable(err) || resumes >= MAX_TRANSFER_RESUMES) throw err;
        onProgress?.({ phase: 'waiting', bytesDone: written, totalBytes });
        await waitUntilConnected(conn);
      }
    }
  } catch (err) {
    // Nothing arrived (not found, outside the sandbox, refused): an empty part file would only be
    // litter. One holding bytes stays, so the next attempt resumes from it.
    if (written === 0) {
      await closeFile();
      await unlink(partPath).catch(() => undefined);
    }
    throw err;
  } finally {
    await closeFile();
  }
}

interface WrittenPiece {
  bytes: Uint8Array;
  writtenTo: number;
  totalBytes?: number;
}

/**
 * One FILE_DOWNLOAD from `offset`. Pieces are written strictly in order through a promise chain
 * (onPiece is synchronous, writes are not); the FILE_DONE is returned only after the last write.
 */
async function fetchFrom(
  conn: ClientConnection,
  remotePath: string,
  file: FileHandle,
  offset: number,
  localPath: string,
  onWritten: (piece: WrittenPiece) => void,
): Promise<Message> {
  let position = offset;
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const onPiece = (m: Message) => {
    if (m.type !== 'FILE_DATA') return;
    writes = writes.then(async () => {
      if (writeError) return;
      try {
        const bytes = asBytes(m.bytes);
        const pieceOffset = Number(m.offset);
        if (pieceOffset > position) throw transferError('INTERNAL', `The server skipped bytes of ${remotePath}; download it again.`);
        // A resent piece may overlap what is already on disk: keep only the new tail.
        const fresh = bytes.subarray(Math.min(bytes.length, position - pieceOffset));
        if (fresh.length === 0) return;
        await onLocalFile(localPath, 'write', () => file.write(fresh, 0, fresh.length, position));
        position += fresh.length;
        const size = typeof m.size === 'number' ? m.size : undefined;
        onWritten({ bytes: fresh, writtenTo: position, totalBytes: size });
      } catch (err) {
        writeError = err;
      }
    });
  };
  let done: Message;
  try {
    done = await conn.request({ type: 'FILE_DOWNLOAD', path: remotePath, offset }, onPiece);
  } finally {
    await writes;
  }
  if (writeError) throw writeError;
  return done;
}
