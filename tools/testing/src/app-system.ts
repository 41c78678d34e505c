/**
 * How the real apps are laid out when a test or benchmark runs them from their bundles: where the
 * bundles are, the folders one system uses (in a temporary root) and the environment that points the
 * LLM server and the relay at them.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface AppBundles {
  llm: string;
  relay: string;
  client: string;
}

/** The bundles `node tools/build/bundle.mjs <app>` writes, under the repository root `root`. */
export function appBundles(root: string): AppBundles {
  return {
    llm: path.join(root, 'dist/apps/llm-server/main.cjs'),
    relay: path.join(root, 'dist/apps/relay/main.cjs'),
    client: path.join(root, 'dist/apps/client/main.mjs'),
  };
}

export interface AppDirs {
  state: string;
  security: string;
  files: string;
  context: string;
  /** Client credential stores, one sub-folder per device (XDG_STATE_HOME). */
  client: string;
}

/** Creates the folders of one system under `root` and copies those of `starter` (files in `fromDir`) that exist. */
export function makeAppDirs(root: string, starter: { fromDir: string; files: readonly string[] }): AppDirs {
  const dirs: AppDirs = {
    state: path.join(root, 'data'),
    security: path.join(root, 'security'),
    files: path.join(root, 'files'),
    context: path.join(root, 'context'),
    client: path.join(root, 'client-state'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  for (const f of starter.files) {
    const from = path.join(starter.fromDir, f);
    if (existsSync(from)) copyFileSync(from, path.join(dirs.context, f));
  }
  return dirs;
}

/** The environment of the LLM server and the relay (and the relay's admin commands): the folders and the offline provider. */
export function serverEnv(dirs: AppDirs): Record<string, string> {
  return {
    CLAWCHAT_STATE_DIR: dirs.state,
    CLAWCHAT_SECURITY_DIR: dirs.security,
    CLAWCHAT_FILES_DIR: dirs.files,
    CLAWCHAT_CONTEXT_DIR: dirs.context,
    CLAWCHAT_LLM_PROVIDER: 'offline',
  };
}

/** The .sec the relay writes and regenerates. */
export function currentSecFile(dirs: AppDirs): string {
  return path.join(dirs.security, 'clawchat-current.sec');
}

/** The bootstrap key the relay generated on its first start (clients need it to open the .sec). */
export function readBootstrapKey(dirs: AppDirs): string {
  return readFileSync(path.join(dirs.security, 'bootstrap.key'), 'utf8').trim();
}

/** This process's environment without provider keys, endpoints or CLAWCHAT_* settings, so every run is offline and alike. */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/API_KEY|BASE_URL|^CLAWCHAT_|^CI$/.test(k)) env[k] = v;
  return { ...env, ...extra };
}
