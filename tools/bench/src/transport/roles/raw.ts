/**
 * The raw baseline: plain node:dgram, no protocol. The sender uses the same socket calls as UdpDriver
 * (unconnected socket, address on every send) so the ratio isolates what the protocol costs.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { MeasureWindow } from '../../shared/measure-window';
import { onCommands, reply } from '../../shared/worker-side';
import { DATAGRAM_SIZE, RAW_MAX_IN_FLIGHT, SOCKET_BUFFER_BYTES } from '../constants';

export interface RawReceiverConfig {
  warmupMs: number;
  windowMs: number;
}

async function bindLoopback(host = '127.0.0.1'): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
  socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
  socket.on('error', () => undefined);
  return socket;
}

export async function runRawReceiver(c: RawReceiverConfig): Promise<void> {
  const socket = await bindLoopback();
  let bytes = 0;
  let datagrams = 0;
  let datagramsAtStart = 0;
  const window = new MeasureWindow(
    c.warmupMs,
    c.windowMs,
    () => {
      datagramsAtStart = datagrams;
      return bytes;
    },
    (r) => void reply({ type: 'result', bytes: r.count, elapsedMs: r.elapsedMs, datagrams: datagrams - datagramsAtStart }),
  );
  socket.on('message', (data) => {
    bytes += data.length;
    datagrams++;
    window.arm();
  });
  onCommands(() => undefined);
  await reply({ type: 'ready', port: socket.address().port });
}

export interface RawSenderConfig {
  port: number;
}

export async function runRawSender(c: RawSenderConfig): Promise<void> {
  const socket = await bindLoopback();
  const payload = randomBytes(DATAGRAM_SIZE);
  let inFlight = 0;
  let sent = 0;
  let errors = 0;
  let pumpQueued = false;
  let stopped = false;
  const pump = () => {
    pumpQueued = false;
    while (!stopped && inFlight < RAW_MAX_IN_FLIGHT) {
      inFlight++;
      socket.send(payload, c.port, '127.0.0.1', onSent);
    }
  };
  function onSent(err: Error | null): void {
    inFlight--;
    if (err) errors++;
    else sent++;
    if (!pumpQueued && !stopped) {
      pumpQueued = true;
      setImmediate(pump);
    }
  }
  onCommands(
    () => undefined,
    async () => {
      stopped = true;
      await reply({ type: 'senderStats', datagramsSent: sent, sendErrors: errors });
    },
  );
  pump();
}
