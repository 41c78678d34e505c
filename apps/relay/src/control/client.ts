/** The subcommands' end of the admin socket: send one request, print the answer. */
import net from 'node:net';
import type { ControlAnswer, ControlRequest } from './protocol';

export class ControlUnavailable extends Error {}

export function callRelay(socketPath: string, req: ControlRequest, timeoutMs = 10_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new ControlUnavailable(`the relay did not answer on ${socketPath}`));
    }, timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(JSON.stringify(req) + '\n'));
    conn.on('data', (d: string) => (buf += d));
    conn.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf) as ControlAnswer);
      } catch {
        reject(new ControlUnavailable('the relay sent a malformed answer'));
      }
    });
    conn.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The usual cause: the relay runs with another security dir (npm start uses .clawchat-dev/security).
      const hint = 'a relay started with --security-dir or CLAWCHAT_SECURITY_DIR needs the same one here';
      if (err.code === 'ENOENT') reject(new ControlUnavailable(`no relay is running with this security dir (${socketPath} not found; ${hint})`));
      else if (err.code === 'ECONNREFUSED') reject(new ControlUnavailable(`no relay is running with this security dir (${socketPath} is left over from one that stopped; ${hint})`));
      else if (err.code === 'EACCES') reject(new ControlUnavailable(`permission denied on ${socketPath}: run as the relay's user`));
      else reject(new ControlUnavailable(`cannot talk to the relay: ${err.message}`));
    });
  });
}
