/**
 * Turns node:fs errors into catalogue errors with a one-line message a person can act on. Messages
 * name the client's relative path only: the server's absolute paths never leave the server.
 */
import { ProtocolError } from '@clawchat/protocol';

function shown(clientPath: string): string {
  return clientPath === '' ? 'the shared folder' : `"${clientPath}"`;
}

export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * A folder delete without `recursive` that meets contents. EXISTS, which no other FILE_DELETE failure
 * uses (rmdir(2) itself may report EEXIST here), so a client can offer the recursive delete on the code
 * alone; the text states the fact only, since what to offer (-r, a confirmation) is the client's choice.
 */
export function folderNotEmptyError(clientPath: string): ProtocolError {
  return new ProtocolError('EXISTS', `${shown(clientPath)} is a folder and is not empty.`);
}

/**
 * An upload or move onto a file that is there, without `overwrite`. EXISTS: the client offers the
 * overwrite (-f, a confirmation) on the code; the text states the fact only.
 */
export function alreadyExistsError(clientPath: string): ProtocolError {
  return new ProtocolError('EXISTS', `${shown(clientPath)} already exists.`);
}

/** Maps an error from node:fs (or passes a ProtocolError through unchanged). */
export function toProtocolError(err: unknown, clientPath: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  const where = shown(clientPath);
  switch (errnoOf(err)) {
    case 'ENOENT':
      return new ProtocolError('NOT_FOUND', `${where} does not exist; check the path with a listing.`);
    case 'ENOTDIR':
      return new ProtocolError('BAD_REQUEST', `Part of ${where} is a file, not a folder; check the path.`);
    case 'EISDIR':
      return new ProtocolError('BAD_REQUEST', `${where} is a folder, not a file.`);
    case 'EEXIST':
      return alreadyExistsError(clientPath);
    case 'ENOTEMPTY':
      return folderNotEmptyError(clientPath);
    case 'ELOOP':
      return new ProtocolError('OUTSIDE_SANDBOX', `${where} is a symbolic link; links are not followed.`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new ProtocolError('TOO_LARGE', `The server's disk is full while writing ${where}; free space there and retry.`);
    case 'EFBIG':
      return new ProtocolError('TOO_LARGE', `${where} is larger than the server's filesystem allows.`);
    case 'ENAMETOOLONG':
      return new ProtocolError('BAD_REQUEST', `${where} is too long for the server's filesystem; use a shorter path.`);
    case 'EACCES':
    case 'EPERM':
      return new ProtocolError('INTERNAL', `The server may not access ${where} (permission denied); fix its permissions on the server.`);
    case 'EBUSY':
      return new ProtocolError('BUSY', `${where} is in use on the server; retry later.`);
    case 'EXDEV':
      return new ProtocolError('BAD_REQUEST', `${where} is on another filesystem; it cannot be moved there.`);
    case 'EINVAL':
      return new ProtocolError('BAD_REQUEST', `${where} cannot be used this way (for example moving a folder into itself).`);
    default:
      return new ProtocolError('INTERNAL', `The server failed on ${where}; see the server log and retry.`);
  }
}
