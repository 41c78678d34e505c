/**
 * The two file operations the loader needs, behind an interface so tests can count and fail them.
 */
import { readFileSync, statSync } from 'node:fs';

export interface ContextFileStat {
  mtimeMs: number;
  size: number;
}

export interface ContextFs {
  /**
   * undefined for a missing file (most turns stat a few files that do not exist, e.g. tomorrow's daily
   * note; a thrown ENOENT would cost an Error with a stack trace each time); throws other errors.
   */
  stat(path: string): ContextFileStat | undefined;
  /** Throws like fs.readFileSync. */
  readFile(path: string): string;
}

export const nodeContextFs: ContextFs = {
  stat: (path) => {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats && { mtimeMs: stats.mtimeMs, size: stats.size };
  },
  readFile: (path) => readFileSync(path, 'utf8'),
};

/** "Not there" (skipped silently) as opposed to "there but unreadable" (skipped with a warning). */
export function isMissingFileError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}
