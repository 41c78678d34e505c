/**
 * The .sec files the picker offers: CLAWCHAT_SECURITY_DIR (default ./security, the relay's own), the
 * current folder, ~/Downloads; newest first, with the expiry from the clear header (readable without
 * the key). Expiry is only shown: the relay's clock decides.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readSecFileHeader } from '@clawchat/security-file';
import { resolveLocalPath } from '../paths/local-path';

export interface SecCandidate {
  path: string;
  mtimeMs: number;
  expiresAt?: number;
  /** Why the header could not be read (the file is still listed, so the user sees why it is odd). */
  problem?: string;
}

/** `cwd` is the process's folder (the relay's default ./security is relative to it); `here` the user's. */
export function secSearchDirs(env: NodeJS.ProcessEnv, cwd: string, home: string, here: string = cwd): string[] {
  const dirs = [resolveLocalPath(env.CLAWCHAT_SECURITY_DIR || 'security', cwd, home), resolve(here), join(home, 'Downloads')];
  return [...new Set(dirs)];
}

export async function findSecFiles(dirs: string[]): Promise<SecCandidate[]> {
  const found: SecCandidate[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue; // a missing folder simply has nothing to offer
    }
    for (const name of names) {
      if (!name.endsWith('.sec') || name.startsWith('.')) continue;
      const path = join(dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) continue;
        const candidate: SecCandidate = { path, mtimeMs: info.mtimeMs };
        try {
          candidate.expiresAt = (await readSecFileHeader(path)).expiresAt;
        } catch (err) {
          candidate.problem = err instanceof Error ? err.message : String(err);
        }
        found.push(candidate);
      } catch {
        continue;
      }
    }
  }
  return found.sort((a, b) => b.mtimeMs - a.mtimeMs);
}
