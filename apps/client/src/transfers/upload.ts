/**
 * Upload one local file: FILE_UPLOAD {path, size, sha256, overwrite} answers OK {result: {upload, offset}}
 * (offset = bytes the server already holds, for resume); then FILE_CHUNK {upload, offset, bytes}
 * for the rest, a few in flight at once; then FILE_COMMIT {upload}, which the server verifies
 * against sha256 before renaming the file into place. A dropped session resumes with a fresh
 * FILE_UPLOAD, which names the same upload and tells how far it got.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { requestOk } from '../connection/ok';
import type { ClientConnection } from '../connection/types';
import { MAX_TRANSFER_RESUMES, UPLOAD_CHUNK_BYTES, UPLOAD_WINDOW_CHUNKS } from './constants';
import { isResumable, waitUntilConnected } from './connection-wait';
import { onLocalFile, sha256OfFile, transferError } from './local-files';
import type { TransferProgress, TransferResult } from './types';

export interface UploadOptions {
  localPath: string;
  remotePath: string;
  overwrite?: boolean;
  onProgress?: (progress: TransferProgress) => void;
}

export async function uploadFile(conn: ClientConnection, options: UploadOptions): Promise<TransferResult> {
  const { localPath, remotePath, onProgress } = options;
  const info = await stat(localPath).catch(() => undefined);
  if (!info) throw transferError('NOT_FOUND', `${localPath} does not exist; check the local path.`);
  if (!info.isFile()) throw transferError('BAD_REQUEST', `${localPath} is not a regular file; upload files one at a time.`);
  const size = info.size;
  onProgress?.({ phase: 'hashing', bytesDone: 0, totalBytes: size });
  const sha256 = await onLocalFile(localPath, 'read', () => sha256OfFile(localPath, size, (n) => onProgress?.({ phase: 'hashing', bytesDone: n, totalBytes: size })));

  const file = await onLocalFile(localPath, 'read', () => open(localPath, 'r'));
  try {
    for (let resumes = 0; ; resumes++) {
      try {
        const { upload, offset } = await requestOk(conn, { type: 'FILE_UPLOAD', path: remotePath, size, sha256, overwrite: options.overwrite ?? false });
        onProgress?.({ phase: 'transferring', bytesDone: offset, totalBytes: size });
        await sendChunks(conn, file, localPath, upload, offset, size, (done) => onProgress?.({ phase: 'transferring', bytesDone: done, totalBytes: size }));
        onProgress?.({ phase: 'committing', bytesDone: size, totalBytes: size });
        await requestOk(conn, { type: 'FILE_COMMIT', upload });
        onProgress?.({ phase: 'done', bytesDone: size, totalBytes: size });
        return { size, sha256, localPath, remotePath };
      } catch (err) {
        if (!isResumable(err) || resumes >= MAX_TRANSFER_RESUMES) throw err;
        onProgress?.({ phase: 'waiting', bytesDone: 0, totalBytes: size });
        await waitUntilConnected(conn);
      }
    }
  } finally {
    await file.close();
  }
}

/** Sends [offset, size) with at most UPLOAD_WINDOW_CHUNKS unanswered FILE_CHUNKs. */
async function sendChunks(
  conn: ClientConnection,
  file: FileHandle,
  localPath: string,
  upload: string,
  offset: number,
  size: number,
  onAcked: (bytesDone: number) => void,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let acked = offset;
  for (let position = offset; position < size && failure === undefined; ) {
    const length = Math.min(UPLOAD_CHUNK_BYTES, size - position);
    const bytes = new Uint8Array(length);
    const { bytesRead } = await onLocalFile(localPath, 'read', () => file.read(bytes, 0, length, position));
    if (bytesRead !== length) throw transferError('BAD_REQUEST', `${localPath} changed while uploading; upload it again.`);
    const sent: Promise<void> = conn
      .request({ type: 'FILE_CHUNK', upload, offset: position, bytes })
      .then(
        () => {
          acked += length;
          onAcked(acked);
        },
        (err: unknown) => {
          failure ??= err;
        },
      )
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    position += length;
    if (inFlight.size >= UPLOAD_WINDOW_CHUNKS) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}
