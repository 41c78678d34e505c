/**
 * The staging area for unfinished uploads: `<root>/.clawchat-uploads/<id>.part` holds the bytes
 * received so far and `<id>.json` remembers what the upload is for. Both survive a restart, which is
 * what makes an interrupted upload resumable by a new server process.
 *
 * The upload id is derived from (path, size, sha256), so a client that starts the same upload again
 * after a disconnect lands on the same temp file and is told how many bytes are already there.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtocolError } from '@clawchat/protocol';
import { STAGING_DIR_MODE, UPLOAD_ID_HEX_CHARS, UPLOAD_STAGING_DIR, UPLOADED_FILE_MODE } from './constants';
import { openVerified } from './fs-guard';
import { errnoOf, toProtocolError } from './fs-errors';

export interface UploadRecord {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly overwrite: boolean;
}

const UPLOAD_ID = new RegExp(`^[0-9a-f]{${UPLOAD_ID_HEX_CHARS}}$`);
const SHOWN = 'the upload';

/** Deterministic id for one (path, size, sha256) triple. */
export function uploadIdFor(path: string, size: number, sha256: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['clawchat-upload-v1', path, size, sha256]))
    .digest('hex')
    .slice(0, UPLOAD_ID_HEX_CHARS);
}

/** Validates an upload id from the network. It becomes part of a file name, so it must be plain hex. */
export function parseUploadId(raw: unknown): string {
  if (typeof raw !== 'string' || !UPLOAD_ID.test(raw)) {
    throw new ProtocolError('BAD_REQUEST', 'The upload id is malformed; start the upload again.');
  }
  return raw;
}

function isUploadRecord(value: unknown): value is UploadRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.path === 'string' &&
    typeof r.size === 'number' &&
    Number.isSafeInteger(r.size) &&
    r.size >= 0 &&
    typeof r.sha256 === 'string' &&
    typeof r.overwrite === 'boolean'
  );
}

export class UploadStaging {
  readonly dir: string;

  constructor(realRoot: string) {
    this.dir = join(realRoot, UPLOAD_STAGING_DIR);
  }

  partFile(id: string): string {
    return join(this.dir, `${id}.part`);
  }

  private recordFile(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  /** Creates the staging folder if needed and refuses it if someone replaced it with a link or file. */
  async ensureDir(): Promise<void> {
    try {
      await mkdir(this.dir, { mode: STAGING_DIR_MODE });
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw toProtocolError(err, UPLOAD_STAGING_DIR);
    }
    const stats = await lstat(this.dir);
    if (!stats.isDirectory() || stats.isSymbolicLink()) {
      throw new ProtocolError(
        'OUTSIDE_SANDBOX',
        `The upload folder ${UPLOAD_STAGING_DIR} is not a plain folder; remove it on the server and retry.`,
      );
    }
  }

  async readRecord(id: string): Promise<UploadRecord | null> {
    let opened: { handle: FileHandle; stats: Stats };
    try {
      opened = await openVerified(this.recordFile(id), fsConstants.O_RDONLY, SHOWN);
    } catch (err) {
      if (err instanceof ProtocolError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    try {
      const parsed: unknown = JSON.parse(await opened.handle.readFile('utf8'));
      return isUploadRecord(parsed) ? parsed : null;
    } catch {
      return null; // A torn or foreign record is treated as absent; the client restarts the upload.
    } finally {
      await opened.handle.close();
    }
  }

  /** Writes the record atomically (temp file, fsync, rename). */
  async writeRecord(id: string, record: UploadRecord): Promise<void> {
    const temp = `${this.recordFile(id)}.tmp`;
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC;
    const { handle } = await openVerified(temp, flags, SHOWN, 0o600);
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } catch (err) {
      throw toProtocolError(err, SHOWN);
    } finally {
      await handle.close();
    }
    await rename(temp, this.recordFile(id));
  }

  /**
   * Bytes already received for `id` (0 if none). A part file with a second hard link is the leftover
   * of a commit interrupted between link() and unlink(): our name is dropped and the upload restarts.
   */
  async receivedBytes(id: string): Promise<number> {
    let stats: Stats;
    try {
      stats = await lstat(this.partFile(id));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return 0;
      throw toProtocolError(err, SHOWN);
    }
    if (stats.isFile() && stats.nlink > 1) {
      await rm(this.partFile(id));
      return 0;
    }
    if (!stats.isFile()) {
      throw new ProtocolError('OUTSIDE_SANDBOX', `A temp file of ${SHOWN} is not a regular file; remove ${UPLOAD_STAGING_DIR} on the server.`);
    }
    return stats.size;
  }

  /** Opens (creating if asked) the part file without following links. */
  openPart(id: string, flags: number): Promise<{ handle: FileHandle; stats: Stats }> {
    return openVerified(this.partFile(id), flags, SHOWN, UPLOADED_FILE_MODE);
  }

  async discard(id: string): Promise<void> {
    await rm(this.partFile(id), { force: true });
    await rm(this.recordFile(id), { force: true });
    await rm(`${this.recordFile(id)}.tmp`, { force: true });
  }

  async discardRecord(id: string): Promise<void> {
    await rm(this.recordFile(id), { force: true });
  }

  /** Removes uploads whose files were last touched before `cutoffMs`; returns how many. */
  async pruneOlderThan(cutoffMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return 0;
      throw toProtocolError(err, SHOWN);
    }
    const ids = new Set(names.map((name) => name.slice(0, UPLOAD_ID_HEX_CHARS)).filter((id) => UPLOAD_ID.test(id)));
    let removed = 0;
    for (const id of ids) {
      const newest = await this.newestMtime(id);
      if (newest < cutoffMs) {
        await this.discard(id);
        removed++;
      }
    }
    return removed;
  }

  private async newestMtime(id: string): Promise<number> {
    let newest = 0;
    for (const file of [this.partFile(id), this.recordFile(id)]) {
      const stats = await lstat(file).catch(() => null);
      if (stats !== null) newest = Math.max(newest, stats.mtimeMs);
    }
    return newest;
  }
}
