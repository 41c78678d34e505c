/**
 * Resumable uploads: begin → chunks at the expected offset → commit. Bytes go to a temp file in the
 * staging area; commit checks size and sha256 by reading the temp file back (streaming), fsyncs it
 * and moves it into place atomically. No partial file ever appears under the final name: on a
 * checksum mismatch the temp file is deleted and nothing is placed.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { link, open, rename, rm, statfs, type FileHandle } from 'node:fs/promises';
import { ProtocolError } from '@clawchat/protocol';
import { assertPlainEntry, type SandboxRoot } from './fs-guard';
import { alreadyExistsError, errnoOf, toProtocolError } from './fs-errors';
import { hashRange } from './file-hash';
import { KeyedLock } from './keyed-lock';
import { parentOf, parseSandboxPath, type SandboxPath } from './sandbox-path';
import { parseUploadId, uploadIdFor, UploadStaging, type UploadRecord } from './upload-staging';

export interface BeginUploadRequest {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly overwrite?: boolean;
}

export interface BeginUploadResult {
  readonly uploadId: string;
  /** Bytes already received from an earlier attempt; the client continues from here. */
  readonly offset: number;
}

export interface CommittedUpload {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** A chunk arrived for the wrong offset; `expectedOffset` tells the client where to continue. */
export class OffsetMismatchError extends ProtocolError {
  constructor(readonly expectedOffset: number) {
    super('BAD_REQUEST', `The chunk is at the wrong offset; the server expects offset ${expectedOffset}.`);
    this.name = 'OffsetMismatchError';
  }
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

function parseSize(raw: unknown, maxUploadBytes: number): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw new ProtocolError('BAD_REQUEST', 'The upload size must be a whole number of bytes, 0 or more.');
  }
  if (raw > maxUploadBytes) {
    throw new ProtocolError('TOO_LARGE', `The file is larger than the server's upload limit of ${maxUploadBytes} bytes.`);
  }
  return raw;
}

function parseSha256(raw: unknown): string {
  if (typeof raw !== 'string' || !SHA256_HEX.test(raw)) {
    throw new ProtocolError('BAD_REQUEST', 'The sha256 must be 64 hexadecimal characters.');
  }
  return raw.toLowerCase();
}

export class Uploads {
  private readonly staging: UploadStaging;
  private readonly lock = new KeyedLock();

  constructor(
    private readonly root: SandboxRoot,
    private readonly maxUploadBytes: number,
    private readonly diskReserveBytes: number,
  ) {
    this.staging = new UploadStaging(root.realRoot);
  }

  async begin(request: BeginUploadRequest): Promise<BeginUploadResult> {
    if (typeof request !== 'object' || request === null) throw new ProtocolError('BAD_REQUEST', 'The upload request is missing its fields.');
    const path = parseSandboxPath(request.path);
    if (path.segments.length === 0) throw new ProtocolError('BAD_REQUEST', 'An upload needs a file name, not the shared folder.');
    const size = parseSize(request.size, this.maxUploadBytes);
    const sha256 = parseSha256(request.sha256);
    if (request.overwrite !== undefined && typeof request.overwrite !== 'boolean') {
      throw new ProtocolError('BAD_REQUEST', 'overwrite must be true or false.');
    }
    const overwrite = request.overwrite === true;
    // Fail early (before the client sends gigabytes) for what commit would refuse anyway.
    await this.assertPlaceable(path, overwrite);

    const uploadId = uploadIdFor(path.text, size, sha256);
    return this.lock.run(uploadId, async () => {
      await this.staging.ensureDir();
      let offset = await this.staging.receivedBytes(uploadId);
      if (offset > size) {
        await this.staging.discard(uploadId);
        offset = 0;
      }
      await this.assertDiskSpace(size - offset, path.text);
      await this.staging.writeRecord(uploadId, { path: path.text, size, sha256, overwrite });
      const { handle } = await this.staging.openPart(uploadId, fsConstants.O_WRONLY | fsConstants.O_CREAT);
      await handle.close();
      return { uploadId, offset };
    });
  }

  /** Appends `bytes` at `offset`, which must equal the bytes received so far. Returns the new offset. */
  async writeChunk(rawUploadId: unknown, offset: unknown, bytes: unknown): Promise<{ offset: number }> {
    const uploadId = parseUploadId(rawUploadId);
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      throw new ProtocolError('BAD_REQUEST', 'The chunk offset must be a whole number of bytes, 0 or more.');
    }
    if (!(bytes instanceof Uint8Array)) throw new ProtocolError('BAD_REQUEST', 'The chunk bytes are missing.');
    return this.lock.run(uploadId, async () => {
      const record = await this.requireRecord(uploadId);
      const { handle, stats } = await this.staging.openPart(uploadId, fsConstants.O_WRONLY);
      try {
        const received = stats.size;
        if (offset !== received) throw new OffsetMismatchError(received);
        if (received + bytes.length > record.size) {
          throw new ProtocolError('BAD_REQUEST', `The chunk goes past the declared size of ${record.size} bytes.`);
        }
        try {
          await writeAll(handle, bytes, received);
        } catch (err) {
          // Cut a half-written chunk off so "offset = temp file size" stays true for the resume.
          await handle.truncate(received).catch(() => undefined);
          throw toProtocolError(err, record.path);
        }
        return { offset: received + bytes.length };
      } finally {
        await handle.close();
      }
    });
  }

  async commit(rawUploadId: unknown): Promise<CommittedUpload> {
    const uploadId = parseUploadId(rawUploadId);
    return this.lock.run(uploadId, async () => {
      const record = await this.requireRecord(uploadId);
      await this.verifyAndSync(uploadId, record);
      const path = parseSandboxPath(record.path);
      await this.assertPlaceable(path, record.overwrite);
      await this.place(uploadId, path, record.overwrite);
      await this.staging.discardRecord(uploadId);
      await syncDirectory(this.root.absolute(parentOf(path)));
      return { path: record.path, size: record.size, sha256: record.sha256 };
    });
  }

  /** Drops an unfinished upload and its temp file. Unknown ids are ignored. */
  async abort(rawUploadId: unknown): Promise<void> {
    const uploadId = parseUploadId(rawUploadId);
    await this.lock.run(uploadId, () => this.staging.discard(uploadId));
  }

  /** Removes unfinished uploads untouched since before `cutoffMs` (epoch ms). */
  pruneOlderThan(cutoffMs: number): Promise<number> {
    return this.staging.pruneOlderThan(cutoffMs);
  }

  private async requireRecord(uploadId: string): Promise<UploadRecord> {
    const record = await this.staging.readRecord(uploadId);
    if (record === null) {
      throw new ProtocolError('NOT_FOUND', 'No such upload (finished, aborted or expired); start the upload again.');
    }
    return record;
  }

  /** Checks the temp file's size and sha256, then fsyncs it. A mismatch deletes it. */
  private async verifyAndSync(uploadId: string, record: UploadRecord): Promise<void> {
    const { handle, stats } = await this.staging.openPart(uploadId, fsConstants.O_RDWR);
    try {
      if (stats.size !== record.size) {
        throw new ProtocolError('BAD_REQUEST', `The upload is incomplete: ${stats.size} of ${record.size} bytes received; send the rest first.`);
      }
      const hash = createHash('sha256');
      await hashRange(handle, 0, stats.size, hash, record.path);
      if (hash.digest('hex') !== record.sha256) {
        await handle.close();
        await this.staging.discard(uploadId);
        throw new ProtocolError('CHECKSUM_MISMATCH', `The uploaded bytes of "${record.path}" do not match the sha256 given; upload the file again.`);
      }
      await handle.sync();
    } catch (err) {
      throw toProtocolError(err, record.path);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Refuses a destination commit would not be allowed to write. */
  private async assertPlaceable(path: SandboxPath, overwrite: boolean): Promise<void> {
    const parent = await this.root.inspectExisting(parentOf(path));
    if (!parent.isDirectory()) {
      throw new ProtocolError('BAD_REQUEST', `"${parentOf(path).text}" is a file, not a folder; check the path.`);
    }
    const existing = await this.root.inspect(path);
    if (existing === null) return;
    assertPlainEntry(existing, path.text);
    // BAD_REQUEST, not EXISTS: overwrite never replaces a folder, so a client must not offer it.
    if (existing.isDirectory()) throw new ProtocolError('BAD_REQUEST', `"${path.text}" is a folder, not a file.`);
    if (!overwrite) throw alreadyExistsError(path.text);
  }

  /**
   * Moves the verified temp file to its final name. Without overwrite, link() fails atomically if a
   * file appeared meanwhile (rename would silently replace it); with overwrite, rename() replaces
   * the old file atomically, so readers see either the old or the new file, never a mix.
   */
  private async place(uploadId: string, path: SandboxPath, overwrite: boolean): Promise<void> {
    const part = this.staging.partFile(uploadId);
    const target = this.root.absolute(path);
    try {
      if (overwrite) {
        await rename(part, target);
      } else {
        await link(part, target);
        await rm(part);
      }
    } catch (err) {
      throw toProtocolError(err, path.text);
    }
  }

  /** Refuses an upload that cannot fit, before any byte is sent (TOO_LARGE, old file untouched). */
  private async assertDiskSpace(bytesNeeded: number, clientPath: string): Promise<void> {
    const fsStats = await statfs(this.staging.dir).catch(() => null);
    if (fsStats === null) return; // statfs unsupported: ENOSPC during the writes is still reported.
    const free = fsStats.bavail * fsStats.bsize;
    if (bytesNeeded + this.diskReserveBytes > free) {
      throw new ProtocolError(
        'TOO_LARGE',
        `The server's disk has ${free} bytes free, not enough for "${clientPath}"; free space there and retry.`,
      );
    }
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** fsync a folder so a rename inside it survives a power cut. Some platforms cannot; that is not fatal. */
async function syncDirectory(absDir: string): Promise<void> {
  try {
    const handle = await open(absDir, fsConstants.O_RDONLY | (fsConstants.O_DIRECTORY ?? 0));
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (!['EINVAL', 'EPERM', 'EISDIR', 'EBADF'].includes(errnoOf(err) ?? '')) throw toProtocolError(err, '');
  }
}
