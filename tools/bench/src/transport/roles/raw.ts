/**
 * The raw baseline: plain node:dgram, no protocol. The sender uses the same socket calls as UdpDriver
 * (an unconnected socket with the address on every send, IP literals answered by literalLookup, a
 * completion callback only on the last datagram of each batch) so the ratio isolates what the
 * protocol costs.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { MeasureWindow } from '../../shared/measure-window';
import { literalLookup } from '@clawchat/protocol/node';
import { onCommands, reply } from '../../shared/worker-side';
import { DATAGRAM_SIZE, RAW_BATCH_DATAGRAMS, SOCKET_BUFFER_BYTES } from '../constants';

export interface RawReceiverConfig {
  warmupMs: number;
  windowMs: number;
}

async function bindLoopback(host = '127.0.0.1'): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', lookup: literalLookup });
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
  let sent = 0;
  let errors = 0;
  let stopped = false;
  // One batch per turn of the event loop, like UdpDriver's flush; the next batch starts once the last
  // datagram of this one has been handed to the kernel (libuv completes sends in order), which bounds
  // what waits in libuv's queue when the socket buffer is full.
  const pump = () => {
    if (stopped) return;
    for (let i = 1; i < RAW_BATCH_DATAGRAMS; i++) socket.send(payload, c.port, '127.0.0.1');
    socket.send(payload, c.port, '127.0.0.1', onBatchSent);
  };
  function onBatchSent(err: Error | null): void {
    if (err) errors++;
    else sent += RAW_BATCH_DATAGRAMS;
    if (!stopped) setImmediate(pump);
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
