/** Any error as the exit code and the one line a person sees (stack traces only with CLAWCHAT_DEBUG). */
import { ConnectError } from '../connection/connect-error';
import { CONNECTION_LOST, errorCode } from '../connection/types';
import { EXIT, type ExitCode } from './exit-codes';
import { UsageError } from './usage-error';

/** Local file errors that are the user's to fix, not bugs. */
const LOCAL_FS_CODES = new Set(['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EROFS', 'EPERM']);

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError) return EXIT.USAGE;
  if (err instanceof ConnectError) return EXIT.CONNECT;
  if (errorCode(err) === CONNECTION_LOST) return EXIT.CONNECT;
  return EXIT.REMOTE;
}

export function oneLine(err: unknown): string {
  let text: string;
  if (err instanceof UsageError || err instanceof ConnectError) text = err.message;
  else if (errorCode(err) === 'LLM_UNREACHABLE') text = '[Error: Cannot reach LLM server]';
  else if (err instanceof Error && LOCAL_FS_CODES.has(errorCode(err) ?? '')) text = localFsMessage(err as NodeJS.ErrnoException);
  else if (err instanceof Error && errorCode(err) !== undefined) text = err.message;
  else text = `unexpected error: ${err instanceof Error ? err.message : String(err)} (run with CLAWCHAT_DEBUG=1 for details)`;
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function localFsMessage(err: NodeJS.ErrnoException): string {
  const where = err.path ? ` ${err.path}` : '';
  switch (err.code) {
    case 'ENOENT':
      return `no such file or folder:${where}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied:${where}`;
    case 'EISDIR':
      return `${where.trim()} is a folder`;
    case 'ENOTDIR':
      return `not a folder:${where}`;
    case 'EEXIST':
      return `already exists:${where}`;
    case 'ENOSPC':
      return `no space left on the device while writing${where}`;
    default:
      return err.message;
  }
}
