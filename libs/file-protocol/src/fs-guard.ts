/**
 * The I/O half of containment. Path text is already validated (sandbox-path.ts); here we check what
 * the path is on disk:
 * - The root is resolved once with realpath, so every later absolute path is root + validated names.
 * - Every existing component is lstat'ed from the root down. Rule: ANY symbolic link component is
 *   refused (OUTSIDE_SANDBOX), even one pointing inside; it is the simplest rule that cannot be
 *   tricked by chains or by a link changing target between check and use.
 * - Devices, FIFOs and sockets are refused (OUTSIDE_SANDBOX): they lead to things outside the tree.
 * - A regular file with more than one hard link is refused for reading, writing, moving and deleting:
 *   by path alone we cannot tell whether its other name lies outside the sandbox.
 * - Files are opened with O_NOFOLLOW | O_NONBLOCK (a FIFO swapped in cannot block us) and the opened
 *   descriptor is checked again (fstat, and /proc/self/fd to see where it really is), which closes the
 *   gap between the lstat walk and the open.
 * Remaining gap (documented): directory operations (readdir, mkdir, rename, rm) work on paths; a local
 * user who can write inside the sandbox and swaps a folder for a link at exactly the right moment
 * could race them. Clients of the protocol cannot create links, so they cannot win this race.
 */
import { constants as fsConstants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtocolError } from '@clawchat/protocol';
import { toProtocolError } from './fs-errors';
import type { SandboxPath } from './sandbox-path';

// Linux/macOS flags; undefined on Windows, where 0 keeps the open working without the extra guard.
const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0;
const O_DIRECTORY = fsConstants.O_DIRECTORY ?? 0;

function shown(text: string): string {
  return text === '' ? 'the shared folder' : `"${text}"`;
}

/** Refuses anything that is not a plain directory or a singly-linked regular file. */
export function assertPlainEntry(stats: Stats, clientPath: string): void {
  const where = shown(clientPath);
  if (stats.isSymbolicLink()) {
    throw new ProtocolError('OUTSIDE_SANDBOX', `${where} is a symbolic link; links are not followed.`);
  }
  if (stats.isDirectory()) return;
  if (!stats.isFile()) {
    throw new ProtocolError('OUTSIDE_SANDBOX', `${where} is a device, FIFO or socket; only files and folders are served.`);
  }
  if (stats.nlink > 1) {
    throw new ProtocolError(
      'OUTSIDE_SANDBOX',
      `${where} has several hard links and may be shared with a file outside the shared folder; it is not served or changed.`,
    );
  }
}

/** True for entries list() may show: folders and singly-linked regular files. */
export function isPlainEntry(stats: Stats): boolean {
  return stats.isDirectory() || (stats.isFile() && stats.nlink === 1);
}

export class SandboxRoot {
  private constructor(readonly realRoot: string) {}

  /** Resolves the root directory once; it must exist and be a directory. */
  static async open(rootDir: string): Promise<SandboxRoot> {
    let real: string;
    try {
      real = await realpath(rootDir);
    } catch {
      throw new ProtocolError('INTERNAL', `The shared folder ${rootDir} does not exist; create it or fix CLAWCHAT_FILES_DIR.`);
    }
    const stats = await stat(real);
    if (!stats.isDirectory()) {
      throw new ProtocolError('INTERNAL', `The shared folder ${rootDir} is not a directory; fix CLAWCHAT_FILES_DIR.`);
    }
    return new SandboxRoot(real);
  }

  absolute(path: SandboxPath): string {
    return join(this.realRoot, ...path.segments);
  }

  /**
   * Walks `path` from the root with lstat, refusing links and special files on the way.
   * Returns the final entry's lstat, or null if only the final component is missing.
   * A missing or non-folder parent is an error (NOT_FOUND / BAD_REQUEST).
   */
  async inspect(path: SandboxPath): Promise<Stats | null> {
    let current = this.realRoot;
    for (let i = 0; i < path.segments.length; i++) {
      current = join(current, path.segments[i]);
      const shownSoFar = path.segments.slice(0, i + 1).join('/');
      const isLast = i === path.segments.length - 1;
      let stats: Stats;
      try {
        stats = await lstat(current);
      } catch (err) {
        if (isLast && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw toProtocolError(err, shownSoFar);
      }
      assertPlainEntry(stats, shownSoFar);
      if (isLast) return stats;
      if (!stats.isDirectory()) {
        throw new ProtocolError('BAD_REQUEST', `"${shownSoFar}" is a file, not a folder; check the path.`);
      }
    }
    return lstat(this.realRoot);
  }

  /** Like inspect() but the entry must exist. */
  async inspectExisting(path: SandboxPath): Promise<Stats> {
    const stats = await this.inspect(path);
    if (stats === null) {
      throw new ProtocolError('NOT_FOUND', `${shown(path.text)} does not exist; check the path with a listing.`);
    }
    return stats;
  }

  /**
   * Opens an existing regular file for reading without following links, then proves the opened
   * descriptor is a singly-linked regular file at the expected place.
   */
  async openFileForRead(path: SandboxPath): Promise<{ handle: FileHandle; stats: Stats }> {
    const stats = await this.inspectExisting(path);
    if (stats.isDirectory()) throw new ProtocolError('BAD_REQUEST', `${shown(path.text)} is a folder, not a file.`);
    return openVerified(this.absolute(path), fsConstants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK, path.text);
  }

  /**
   * Opens a directory descriptor (no links followed) and checks it, so a caller can compare
   * dev/ino before and after reading the folder by path.
   */
  async openDirectory(path: SandboxPath): Promise<{ handle: FileHandle; stats: Stats }> {
    const stats = await this.inspectExisting(path);
    if (!stats.isDirectory()) throw new ProtocolError('BAD_REQUEST', `${shown(path.text)} is a file, not a folder.`);
    return openVerified(this.absolute(path), fsConstants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW, path.text);
  }
}

/**
 * Opens `absPath` with `flags` (which must include O_NOFOLLOW where supported) and checks the
 * descriptor: a directory or singly-linked regular file, really located at `absPath`.
 * Exported for the upload staging area, which opens its own files by absolute path.
 */
export async function openVerified(
  absPath: string,
  flags: number,
  clientPath: string,
  mode?: number,
): Promise<{ handle: FileHandle; stats: Stats }> {
  let handle: FileHandle;
  try {
    handle = await open(absPath, flags | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (err) {
    throw toProtocolError(err, clientPath);
  }
  try {
    const stats = await handle.stat();
    assertPlainEntry(stats, clientPath);
    await assertDescriptorAt(handle, stats, absPath, clientPath);
    return { handle, stats };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw toProtocolError(err, clientPath);
  }
}

/** Proves an open descriptor is the object at `absPath` (not something swapped in before open). */
async function assertDescriptorAt(handle: FileHandle, stats: Stats, absPath: string, clientPath: string): Promise<void> {
  const escaped = new ProtocolError('OUTSIDE_SANDBOX', `${shown(clientPath)} changed into a link while being opened; refused.`);
  let realByFd: string | null = null;
  try {
    realByFd = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    realByFd = null; // No /proc (macOS): fall back to comparing the inode at the path.
  }
  if (realByFd !== null) {
    if (realByFd !== absPath) throw escaped;
    return;
  }
  const atPath = await lstat(absPath);
  if (atPath.isSymbolicLink() || atPath.dev !== stats.dev || atPath.ino !== stats.ino) throw escaped;
}
