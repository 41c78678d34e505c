/**
 * The .sec files the picker offers: CLAWCHAT_SECURITY_DIR (default ./security, the relay's own), the
 * current folder, ~/Downloads; with the expiry from the clear header (readable without the key) and
 * what this device's .sec history says of each (used here, refused by the relay). `pickerOrder` puts
 * the ones that may connect first, newest first; the others stay listed, marked, after them.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { readSecHeader } from '@clawchat/security-file';
import { emptySecHistory, findSecRecord, secDigest, type SecHistory, type SecRecord } from '../connection/sec-history';
import { resolveLocalPath } from '../paths/local-path';
import { secVerdict } from './sec-verdict';

const MAX_SEC_FILE_BYTES = 1024 * 1024;

export interface SecCandidate {
  path: string;
  mtimeMs: number;
  expiresAt?: number;
  /** Why the header could not be read (the file is still listed, so the user sees why it is odd). */
  problem?: string;
  /** What this device remembers of the file: it used it, or the relay refused it. */
  record?: SecRecord;
}

/** `cwd` is the process's folder (the relay's default ./security is relative to it); `here` the user's. */
export function secSearchDirs(env: NodeJS.ProcessEnv, cwd: string, home: string, here: string = cwd): string[] {
  const dirs = [resolveLocalPath(env.CLAWCHAT_SECURITY_DIR || 'security', cwd, home), resolve(here), join(home, 'Downloads')];
  return [...new Set(dirs)];
}

export async function findSecFiles(dirs: string[], history: SecHistory = emptySecHistory()): Promise<SecCandidate[]> {
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
          // A real .sec is under 2 KiB; a big file with the extension is not worth reading whole.
          if (info.size > MAX_SEC_FILE_BYTES) throw new Error(`${name} is too large to be a .sec file`);
          const bytes = await readFile(path);
          candidate.expiresAt = readSecHeader(bytes, basename(path)).expiresAt;
          const record = findSecRecord(history, { digest: secDigest(bytes) });
          if (record) candidate.record = record;
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

/** Usable first, then the rest; newest first within each (stable otherwise). */
export function pickerOrder(files: SecCandidate[], now: number): SecCandidate[] {
  const usable = (f: SecCandidate) => secVerdict(f, now).usable;
  return [...files].sort((a, b) => Number(usable(b)) - Number(usable(a)) || b.mtimeMs - a.mtimeMs);
}
