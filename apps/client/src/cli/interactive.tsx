/**
 * `clawchat [file.sec]`: pick or take a .sec (or reconnect with the stored credential), connect, and
 * run the terminal UI until the user quits. The UI keeps reconnecting on its own while it runs.
 */
import { homedir } from 'node:os';
import { ConnectError } from '../connection/connect-error';
import type { CredentialStore } from '../connection/credential-store';
import type { RelayOverride } from '../connection/sec-target';
import { resolveLocalPath } from '../paths/local-path';
import { renderApp } from '../ui';
import { EXIT, type ExitCode } from './exit-codes';
import { openConnection } from './open-connection';
import { pickSecFile } from './SecPicker';
import { findSecFiles, secSearchDirs } from './sec-files';
import { UsageError } from './usage-error';

export interface InteractiveOptions {
  sec?: string;
  relay?: RelayOverride;
  env: NodeJS.ProcessEnv;
  store: CredentialStore;
  /** The process's working directory (the relay's default security folder is relative to it). */
  cwd: string;
  /** The user's folder: relative local paths and the picker's "current folder" (see userWorkingDir). */
  localBase: string;
  log?: (line: string) => void;
}

export async function runInteractive(o: InteractiveOptions): Promise<ExitCode> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('the terminal UI needs a terminal; in scripts use clawchat send, files, cron or status');
  }
  let sec = o.sec;
  if (!sec && !(await o.store.latestRelay())) {
    const dirs = secSearchDirs(o.env, o.cwd, homedir(), o.localBase);
    const files = await findSecFiles(dirs, await o.store.secHistory());
    if (files.length === 0) {
      throw new ConnectError('NO_CREDENTIAL', `no .sec file found in ${dirs.join(', ')} — copy clawchat-current.sec from the relay into one of them, or pass its path`);
    }
    const picked = await pickSecFile(files, o.localBase);
    if (!picked) return EXIT.OK;
    sec = picked;
  }
  const conn = await openConnection({
    sec,
    relay: o.relay,
    env: o.env,
    store: o.store,
    maxReconnectAttempts: Number.POSITIVE_INFINITY,
    log: o.log,
    onDial: (relay) => process.stderr.write(`Connecting to ${relay}${sec ? '' : ' with the stored credential'}…\n`),
    onNote: (line) => process.stderr.write(`${line}\n`),
  });
  // `npm start` points downloads at its own folder; otherwise they go to the user's folder.
  const downloadDir = resolveLocalPath(o.env.CLAWCHAT_DOWNLOAD_DIR || '', o.localBase);
  const app = renderApp(conn, { downloadDir, localBase: o.localBase });
  try {
    await app.waitUntilExit();
  } finally {
    await conn.close();
  }
  return EXIT.OK;
}
