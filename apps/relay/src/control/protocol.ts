/**
 * The admin channel between `clawchat-relay status|issue|revoke|rotate-identity` and the running relay:
 * a Unix socket in the security dir with mode 0600 (only the relay's user can use it), one JSON request
 * line and one JSON answer line per connection.
 */
import path from 'node:path';

export const CONTROL_SOCKET = 'relay.sock';

export function controlSocketPath(securityDir: string): string {
  return path.join(securityDir, CONTROL_SOCKET);
}

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'issue' }
  | { cmd: 'revoke'; target?: string; all?: boolean }
  | { cmd: 'rotate-identity' };

export type ControlAnswer = { ok: true; [key: string]: unknown } | { ok: false; error: string };
