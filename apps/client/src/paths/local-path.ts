/**
 * Local paths as the user typed them, made absolute in one place: `~` is the home folder, and a
 * relative path is relative to the folder the user typed the command in (under `npm run`, that is
 * INIT_CWD, not the package root npm runs scripts in).
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/**
 * The folder the user typed the command in. `npm run clawchat` / `npm start` run the client in the
 * package root and record the user's folder in INIT_CWD. Children of other npm scripts (a test runner
 * spawning clawchat in a temp folder) inherit INIT_CWD too, so it counts only while the process really
 * runs in the package root npm names in npm_package_json.
 */
export function userWorkingDir(env: NodeJS.ProcessEnv, cwd: string): string {
  const initCwd = env.INIT_CWD;
  if (!initCwd || !isAbsolute(initCwd)) return cwd;
  const packageJson = env.npm_package_json;
  if (packageJson && resolve(dirname(packageJson)) !== resolve(cwd)) return cwd;
  return initCwd;
}

/** A leading `~` or `~/` is the home folder, as in a shell (`~user` is left alone). */
export function expandHome(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith(`~${sep}`)) return join(home, path.slice(2));
  return path;
}

/** `path` as typed, made absolute against `base` (see userWorkingDir), with `~` expanded. */
export function resolveLocalPath(path: string, base: string, home: string = homedir()): string {
  return resolve(base, expandHome(path, home));
}
