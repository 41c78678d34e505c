/**
 * The two file operations the loader needs, behind an interface so tests can count and fail them.
 */
import { readFileSync, statSync } from 'node:fs';

export interface ContextFileStat {
  mtimeMs: number;
  size: number;
}

export interface ContextFs {
  /** Throws (ENOENT for a missing file) like fs.statSync. */
  stat(path: string): ContextFileStat;
  /** Throws like fs.readFileSync. */
  readFile(path: string): string;
}

export const nodeContextFs: ContextFs = {
  stat: (path) => {
    const stats = statSync(path);
    return { mtimeMs: stats.mtimeMs, size: stats.size };
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
