/**
 * The file sandbox the LLM server uses to answer FILE_* messages. Every request path goes through
 * parseSandboxPath (text rules) and SandboxRoot (what it is on disk) before anything is touched;
 * see those files for the containment rules. All methods throw ProtocolError with catalogue codes.
 */
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ProtocolError } from '@clawchat/protocol';
import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_UPLOAD_BYTES, DISK_SPACE_RESERVE_BYTES } from './constants';
import { createDownload, type Download } from './download';
import { hashRange } from './file-hash';
import { alreadyExistsError, errnoOf, folderNotEmptyError, toProtocolError } from './fs-errors';
import { isPlainEntry, SandboxRoot } from './fs-guard';
import {
  baseName,
  isSameOrInside,
  isStagingName,
  parentOf,
  parseSandboxPath,
  segmentProblem,
  type SandboxPath,
} from './sandbox-path';
import { Uploads, type BeginUploadRequest, type BeginUploadResult, type CommittedUpload } from './uploads';

export interface SandboxOptions {
  /** Bytes per FILE_DATA piece (default 256 KiB). */
  readonly chunkBytes?: number;
  /** Largest file an upload may declare (default 10 GiB); bigger ones get TOO_LARGE. */
  readonly maxUploadBytes?: number;
  /** Free space an upload must leave on the disk (default 16 MiB). */
  readonly diskReserveBytes?: number;
}

export interface FileEntry {
  readonly name: string;
  readonly kind: 'file' | 'dir';
  readonly size: number;
  /** Last modification, epoch milliseconds. */
  readonly mtime: number;
}

export interface FileStat extends FileEntry {
  /** Hex sha256 of the content; files only. */
  readonly sha256?: string;
}

export interface DownloadRange {
  readonly offset?: number;
  readonly length?: number;
}

function entryOf(name: string, stats: Stats): FileEntry {
  return {
    name,
    kind: stats.isDirectory() ? 'dir' : 'file',
    size: stats.isDirectory() ? 0 : stats.size,
    mtime: Math.floor(stats.mtimeMs),
  };
}

function optionalByteCount(raw: unknown, field: string): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw new ProtocolError('BAD_REQUEST', `The ${field} must be a whole number of bytes, 0 or more.`);
  }
  return raw;
}

function notRoot(path: SandboxPath, action: string): void {
  if (path.segments.length === 0) throw new ProtocolError('BAD_REQUEST', `The shared folder itself cannot be ${action}.`);
}

/** Runs `job`, turning any fs error into a ProtocolError about `clientPath`. */
async function mapped<T>(clientPath: string, job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (err) {
    throw toProtocolError(err, clientPath);
  }
}

export class Sandbox {
  private readonly uploads: Uploads;

  private constructor(
    private readonly root: SandboxRoot,
    private readonly chunkBytes: number,
    maxUploadBytes: number,
    diskReserveBytes: number,
  ) {
    this.uploads = new Uploads(root, maxUploadBytes, diskReserveBytes);
  }

  /** Opens the sandbox rooted at `rootDir` (CLAWCHAT_FILES_DIR), which must exist. */
  static async open(rootDir: string, options: SandboxOptions = {}): Promise<Sandbox> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError('chunkBytes must be a positive integer');
    const root = await SandboxRoot.open(rootDir);
    return new Sandbox(
      root,
      chunkBytes,
      options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      options.diskReserveBytes ?? DISK_SPACE_RESERVE_BYTES,
    );
  }

  /** The resolved root directory (server-side only; never send it to a client). */
  get rootDir(): string {
    return this.root.realRoot;
  }

  /**
   * Folder entries sorted by name. Links, devices, FIFOs, sockets, multiply-linked files, names a
   * client could not address (see sandbox-path.ts) and the staging folder are left out: they are
   * never followed or served, so showing them would only invite requests that must fail.
   */
  async list(rawPath: unknown): Promise<FileEntry[]> {
    const path = parseSandboxPath(rawPath);
    return mapped(path.text, async () => {
      const { handle, stats: opened } = await this.root.openDirectory(path);
      try {
        const absDir = this.root.absolute(path);
        const entries: FileEntry[] = [];
        for (const name of await readdir(absDir)) {
          if (path.segments.length === 0 && isStagingName(name)) continue;
          if (segmentProblem(name) !== null) continue;
          const stats = await lstat(join(absDir, name)).catch(() => null); // vanished meanwhile: skip
          if (stats === null || !isPlainEntry(stats)) continue;
          entries.push(entryOf(name, stats));
        }
        // The folder was read by path; make sure the path still named the folder we checked.
        const after = await lstat(absDir);
        if (after.isSymbolicLink() || after.dev !== opened.dev || after.ino !== opened.ino) {
          throw new ProtocolError('OUTSIDE_SANDBOX', `"${path.text}" changed into a link while being listed; refused.`);
        }
        return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } finally {
        await handle.close();
      }
    });
  }

  /** One entry; files also get their sha256 (read streaming). */
  async stat(rawPath: unknown): Promise<FileStat> {
    const path = parseSandboxPath(rawPath);
    return mapped(path.text, async () => {
      const stats = await this.root.inspectExisting(path);
      if (stats.isDirectory()) return entryOf(baseName(path), stats);
      const { handle, stats: opened } = await this.root.openFileForRead(path);
      try {
        const hash = createHash('sha256');
        await hashRange(handle, 0, opened.size, hash, path.text);
        return { ...entryOf(baseName(path), opened), sha256: hash.digest('hex') };
      } finally {
        await handle.close();
      }
    });
  }

  /** Creates one folder; its parent must exist. */
  async mkdir(rawPath: unknown): Promise<FileEntry> {
    const path = parseSandboxPath(rawPath);
    if (path.segments.length === 0) throw new ProtocolError('EXISTS', 'The shared folder already exists.');
    return mapped(path.text, async () => {
      await this.requireFolder(parentOf(path));
      if ((await this.root.inspect(path)) !== null) throw new ProtocolError('EXISTS', `"${path.text}" already exists.`);
      const abs = this.root.absolute(path);
      await mkdir(abs);
      return entryOf(baseName(path), await lstat(abs));
    });
  }

  /** Deletes a file or an empty folder; a non-empty folder only with `recursive`. */
  async delete(rawPath: unknown, options: { recursive?: boolean } = {}): Promise<void> {
    const path = parseSandboxPath(rawPath);
    notRoot(path, 'deleted');
    await mapped(path.text, async () => {
      const stats = await this.root.inspectExisting(path);
      const abs = this.root.absolute(path);
      if (!stats.isDirectory()) await unlink(abs);
      // rm() removes links inside the tree as links; it never follows them.
      else if (options.recursive === true) await rm(abs, { recursive: true });
      else await rmdir(abs).catch((err: unknown) => {
        // POSIX lets rmdir(2) report contents as ENOTEMPTY or EEXIST; both mean the same here.
        const errno = errnoOf(err);
        throw errno === 'ENOTEMPTY' || errno === 'EEXIST' ? folderNotEmptyError(path.text) : err;
      });
    });
  }

  /**
   * Moves/renames `from` to `to`. An existing destination is replaced only with `overwrite`, and
   * only by the same kind (file over file, folder over empty folder).
   */
  async move(rawFrom: unknown, rawTo: unknown, options: { overwrite?: boolean } = {}): Promise<FileEntry> {
    const from = parseSandboxPath(rawFrom);
    const to = parseSandboxPath(rawTo, 'destination');
    notRoot(from, 'moved');
    // BAD_REQUEST, not EXISTS: overwrite could never help, so a client must not offer it.
    if (to.segments.length === 0) throw new ProtocolError('BAD_REQUEST', 'The destination is the shared folder itself; name a file or folder inside it.');
    if (isSameOrInside(to, from)) throw new ProtocolError('BAD_REQUEST', `"${from.text}" cannot be moved onto or into itself.`);
    return mapped(from.text, async () => {
      const source = await this.root.inspectExisting(from);
      await this.requireFolder(parentOf(to));
      const existing = await this.root.inspect(to);
      const fromAbs = this.root.absolute(from);
      const toAbs = this.root.absolute(to);
      if (existing !== null) {
        // A kind mismatch first, as BAD_REQUEST: overwrite cannot fix it, so no client may offer it (EXISTS means it would).
        if (existing.isDirectory() !== source.isDirectory()) {
          throw new ProtocolError('BAD_REQUEST', `"${to.text}" is a ${existing.isDirectory() ? 'folder' : 'file'}; it cannot be replaced by a ${source.isDirectory() ? 'folder' : 'file'}.`);
        }
        if (options.overwrite !== true) throw alreadyExistsError(to.text);
        await mapped(to.text, () => rename(fromAbs, toAbs));
      } else if (source.isDirectory()) {
        // No atomic "rename unless exists" for folders in node; the check above leaves a tiny race.
        await mapped(to.text, () => rename(fromAbs, toAbs));
      } else {
        // For files link() refuses atomically if the destination appeared since the check.
        await mapped(to.text, () => link(fromAbs, toAbs));
        await unlink(fromAbs);
      }
      return entryOf(baseName(to), await lstat(toAbs));
    });
  }

  /**
   * Opens a download of `length` bytes from `offset` (default: the whole file). Errors such as
   * NOT_FOUND are thrown here, before any chunk; the returned iterator yields data chunks then one
   * final { kind: 'done', size, sha256 } with the sha256 of the whole file.
   */
  async openDownload(rawPath: unknown, range: DownloadRange = {}): Promise<Download> {
    const path = parseSandboxPath(rawPath);
    const offset = optionalByteCount(range.offset, 'offset') ?? 0;
    const length = optionalByteCount(range.length, 'length');
    return mapped(path.text, async () => {
      const { handle, stats } = await this.root.openFileForRead(path);
      if (offset > stats.size) {
        await handle.close();
        throw new ProtocolError('BAD_REQUEST', `The offset ${offset} is past the end of "${path.text}" (${stats.size} bytes).`);
      }
      const end = length === undefined ? stats.size : Math.min(stats.size, offset + length);
      return createDownload({ handle, stats, clientPath: path.text, offset, end, chunkBytes: this.chunkBytes });
    });
  }

  /** Opens (or resumes) an upload; `offset` in the answer is how many bytes are already stored. */
  beginUpload(request: BeginUploadRequest): Promise<BeginUploadResult> {
    return this.uploads.begin(request);
  }

  /** Stores one chunk; `offset` must equal the bytes received so far (else OffsetMismatchError). */
  writeChunk(uploadId: unknown, offset: unknown, bytes: unknown): Promise<{ offset: number }> {
    return this.uploads.writeChunk(uploadId, offset, bytes);
  }

  /** Verifies size and sha256, then places the file atomically. */
  commit(uploadId: unknown): Promise<CommittedUpload> {
    return this.uploads.commit(uploadId);
  }

  /** Drops an unfinished upload. */
  abortUpload(uploadId: unknown): Promise<void> {
    return this.uploads.abort(uploadId);
  }

  /** Removes unfinished uploads untouched since before `cutoffMs`; call periodically with now - max age. */
  pruneStaleUploads(cutoffMs: number): Promise<number> {
    return this.uploads.pruneOlderThan(cutoffMs);
  }

  private async requireFolder(path: SandboxPath): Promise<void> {
    const stats = await this.root.inspectExisting(path);
    if (!stats.isDirectory()) throw new ProtocolError('BAD_REQUEST', `"${path.text}" is a file, not a folder; check the path.`);
  }
}
