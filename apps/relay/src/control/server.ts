/** The relay's end of the admin socket (see protocol.ts). */
import { chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import type { Logger } from '../log';
import type { ControlAnswer, ControlRequest } from './protocol';

export type ControlHandler = (req: ControlRequest) => Promise<ControlAnswer>;

export async function startControlServer(socketPath: string, handler: ControlHandler, log: Logger): Promise<net.Server> {
  try {
    unlinkSync(socketPath); // a stale socket from a relay that was killed
  } catch {
    // none there
  }
  const server = net.createServer((conn) => {
    let buf = '';
    let handled = false;
    conn.setEncoding('utf8');
    conn.on('data', (chunk: string) => {
      if (handled) return; // one request per connection: never run the same command twice
      buf += chunk;
      if (buf.length > 64 * 1024) {
        conn.destroy();
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      handled = true;
      let req: ControlRequest;
      try {
        req = JSON.parse(buf.slice(0, nl)) as ControlRequest;
      } catch {
        conn.end(JSON.stringify({ ok: false, error: 'malformed request' }) + '\n');
        return;
      }
      handler(req)
        .catch((err: Error): ControlAnswer => ({ ok: false, error: err.message }))
        .then((answer) => conn.end(JSON.stringify(answer) + '\n'));
    });
    conn.on('error', () => undefined);
  });
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previous);
  }
  chmodSync(socketPath, 0o600);
  log.debug(`admin socket ${socketPath}`);
  return server;
}
