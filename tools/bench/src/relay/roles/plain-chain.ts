/**
 * The baseline of the round-trip figure: the same three-process shape with no crypto, no reliability
 * and no application work. A client sends a request datagram to a forwarder, which passes it to an
 * echo server, whose reply datagram comes back the same way.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { onCommands, reply } from '../../shared/worker-side';

function bind(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

const portOf = (s: dgram.Socket) => s.address().port;

export interface PlainEchoConfig {
  replyBytes: number;
}

export async function runPlainEcho(c: PlainEchoConfig): Promise<void> {
  const socket = await bind();
  const answer = Buffer.alloc(c.replyBytes, 0x61);
  socket.on('message', (_data, from) => socket.send(answer, from.port, from.address));
  onCommands(() => undefined, () => {
    socket.close();
  });
  await reply({ type: 'ready', port: portOf(socket) });
}

export interface PlainForwarderConfig {
  echoPort: number;
}

/** One socket faces the clients, one the echo server; a reply goes to the client that asked last. */
export async function runPlainForwarder(c: PlainForwarderConfig): Promise<void> {
  const front = await bind();
  const back = await bind();
  let client: { port: number; address: string } | undefined;
  front.on('message', (data, from) => {
    client = { port: from.port, address: from.address };
    back.send(data, c.echoPort, '127.0.0.1');
  });
  back.on('message', (data) => {
    if (client) front.send(data, client.port, client.address);
  });
  onCommands(() => undefined, () => {
    front.close();
    back.close();
  });
  await reply({ type: 'ready', port: portOf(front) });
}

export interface PlainClientConfig {
  forwarderPort: number;
  requestBytes: number;
  warmupTurns: number;
  turns: number;
}

export async function runPlainClient(c: PlainClientConfig): Promise<void> {
  const socket = await bind();
  onCommands(() => undefined, () => {
    socket.close();
  });
  const request = Buffer.alloc(c.requestBytes, 0x62);
  let waiting: (() => void) | undefined;
  socket.on('message', () => waiting?.());
  // A lost datagram on loopback is rare but would hang the loop: resend after a generous wait.
  const turn = () =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      const resend = setInterval(() => socket.send(request, c.forwarderPort, '127.0.0.1'), 1_000);
      waiting = () => {
        clearInterval(resend);
        waiting = undefined;
        resolve(performance.now() - start);
      };
      socket.send(request, c.forwarderPort, '127.0.0.1');
    });
  for (let i = 0; i < c.warmupTurns; i++) await turn();
  const firstMs: number[] = [];
  for (let i = 0; i < c.turns; i++) firstMs.push(await turn());
  await reply({ type: 'turns', firstMs, doneMs: [], pingMs: [] });
}
