/** `clawchat files ls|get|put|rm|mkdir|mv`: the sandbox on the LLM server, paths relative to its root. */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { requestOk } from '../../connection/ok';
import type { ClientConnection } from '../../connection/types';
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

export async function runFiles(conn: ClientConnection, cmd: FilesCommand, io: Io, cwd: string): Promise<ExitCode> {
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
      const target = cmd.local === undefined ? join(cwd, name) : (await isDirectory(resolve(cwd, cmd.local))) ? join(resolve(cwd, cmd.local), name) : resolve(cwd, cmd.local);
      const result = await downloadFile(conn, { remotePath: remote, localPath: target, overwrite: cmd.overwrite });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `downloaded ${remote} to ${target} (${formatBytes(result.size)}, sha256 ${result.sha256})`);
      return EXIT.OK;
    }
    case 'put': {
      const local = resolve(cwd, cmd.local);
      const remote = cmd.remote === undefined ? basename(local) : cmd.remote.endsWith('/') ? `${remotePath(cmd.remote)}/${basename(local)}` : remotePath(cmd.remote);
      const result = await uploadFile(conn, { localPath: local, remotePath: remote, overwrite: cmd.overwrite });
      if (io.json) {
        jsonLine(io, result);
        return EXIT.OK;
      }
      textLine(io, `uploaded ${local} to ${remote} (${formatBytes(result.size)}, sha256 ${result.sha256})`);
      return EXIT.OK;
    }
    case 'rm': {
      const path = remotePath(cmd.path);
      await requestOk(conn, { type: 'FILE_DELETE', path, ...(cmd.recursive ? { recursive: true } : {}) });
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
      await requestOk(conn, { type: 'FILE_MOVE', path: from, to, ...(cmd.overwrite ? { overwrite: true } : {}) });
      if (io.json) {
        jsonLine(io, { moved: from, to });
        return EXIT.OK;
      }
      textLine(io, `moved ${from} to ${to}`);
      return EXIT.OK;
    }
  }
}
