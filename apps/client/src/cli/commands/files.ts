/** `clawchat files ls|get|put|rm|mkdir|mv`: the sandbox on the LLM server, paths relative to its root. */
import { stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { requestOk } from '../../connection/ok';
import { errorCode, type ClientConnection } from '../../connection/types';
import { resolveLocalPath } from '../../paths/local-path';
import { downloadFile, formatBytes, uploadFile } from '../../transfers';
import type { FilesCommand } from '../args';
import { EXIT, type ExitCode } from '../exit-codes';
import { jsonLine, textLine, type Io } from '../io';

/** Sandbox paths are `/`-separated and relative; a leading `/` or `./` is the same root. */
export function remotePath(path: string): string {
  return path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

const asSentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * Runs `work`; a refusal with `code` gets `hint` appended. The server's text states the fact only
 * ("already exists", "is not empty"); which flag overrides it is the command line's business.
 */
async function withFlagHint<T>(work: Promise<T>, code: string, hint: string | undefined): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (hint === undefined || errorCode(err) !== code || !(err instanceof Error)) throw err;
    throw Object.assign(new Error(`${asSentence(err.message)} ${hint}`), { code });
  }
}

const OVERWRITE_HINT = 'Use -f to replace it.';

/**
 * `localBase` is the folder relative local paths are relative to (the user's, see userWorkingDir);
 * `~` in a local path is the home folder.
 */
export async function runFiles(conn: ClientConnection, cmd: FilesCommand, io: Io, localBase: string): Promise<ExitCode> {
  switch (cmd.action) {
    case 'ls': {
      const result = await requestOk(conn, { type: 'FILE_LIST', path: remotePath(cmd.path) });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      const entries = [...result.entries].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      for (const e of entries) {
        const size = e.kind === 'dir' ? '-' : formatBytes(e.size);
        const when = new Date(e.mtime).toISOString().slice(0, 16).replace('T', ' ');
        textLine(io, `${e.kind === 'dir' ? 'd' : '-'} ${size.padStart(10)}  ${when}  ${JSON.stringify(e.name).slice(1, -1)}${e.kind === 'dir' ? '/' : ''}`);
      }
      return EXIT.OK;
    }
    case 'get': {
      const remote = remotePath(cmd.remote);
      const name = basename(remote);
      const chosen = resolveLocalPath(cmd.local ?? '', localBase);
      // A folder (or a name ending in /, created if need be) receives the file under its own name.
      const intoFolder = cmd.local === undefined || cmd.local.endsWith('/') || cmd.local.endsWith(sep) || (await isDirectory(chosen));
      const target = intoFolder ? join(chosen, name) : chosen;
      const download = downloadFile(conn, { remotePath: remote, localPath: target, overwrite: cmd.overwrite });
      const result = await withFlagHint(download, 'EXISTS', cmd.overwrite ? undefined : OVERWRITE_HINT);
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `downloaded ${remote} to ${target} (${formatBytes(result.size)}, sha256 ${result.sha256})`);
      return EXIT.OK;
    }
    case 'put': {
      const local = resolveLocalPath(cmd.local, localBase);
      const remote = cmd.remote === undefined ? basename(local) : cmd.remote.endsWith('/') ? `${remotePath(cmd.remote)}/${basename(local)}` : remotePath(cmd.remote);
      const upload = uploadFile(conn, { localPath: local, remotePath: remote, overwrite: cmd.overwrite });
      const result = await withFlagHint(upload, 'EXISTS', cmd.overwrite ? undefined : OVERWRITE_HINT);
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `uploaded ${local} to ${remote} (${formatBytes(result.size)}, sha256 ${result.sha256})`);
      return EXIT.OK;
    }
    case 'rm': {
      const path = remotePath(cmd.path);
      // EXISTS answers a delete of a folder that still has something in it (libs/file-protocol).
      const recursiveHint = `Use -r to delete it and everything inside it: clawchat files rm -r ${path}`;
      await withFlagHint(requestOk(conn, { type: 'FILE_DELETE', path, ...(cmd.recursive ? { recursive: true } : {}) }), 'EXISTS', cmd.recursive ? undefined : recursiveHint);
      if (io.json) {
        jsonLine(io, { deleted: path });
        return EXIT.OK;
      }
      textLine(io, `deleted ${path}`);
      return EXIT.OK;
    }
    case 'mkdir': {
      const path = remotePath(cmd.path);
      await requestOk(conn, { type: 'FILE_MKDIR', path });
      if (io.json) {
        jsonLine(io, { created: path });
        return EXIT.OK;
      }
      textLine(io, `created ${path}/`);
      return EXIT.OK;
    }
    case 'mv': {
      const from = remotePath(cmd.from);
      const to = remotePath(cmd.to);
      const move = requestOk(conn, { type: 'FILE_MOVE', path: from, to, ...(cmd.overwrite ? { overwrite: true } : {}) });
      await withFlagHint(move, 'EXISTS', cmd.overwrite ? undefined : OVERWRITE_HINT);
      if (io.json) {
        jsonLine(io, { moved: from, to });
        return EXIT.OK;
      }
      textLine(io, `moved ${from} to ${to}`);
      return EXIT.OK;
    }
  }
}
