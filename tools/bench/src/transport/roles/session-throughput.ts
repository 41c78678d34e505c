/**
 * The session figure: an InitiatorEndpoint streams 64 KiB messages on the bulk stream with backpressure,
 * a ResponderEndpoint in another process counts the message bytes it delivers (goodput).
 */
import { generateX25519KeyPair } from '@clawchat/crypto';
import { UdpDriver } from '@clawchat/protocol/node';
import { MeasureWindow } from '../../shared/measure-window';
import { onCommands, reply } from '../../shared/worker-side';
import { BULK_STREAM_ID, MAX_BUFFERED_BYTES, MESSAGE_BYTES, SOCKET_BUFFER_BYTES } from '../constants';
import { decodeCredentials, type CredentialsJson } from '../credentials';
import { benchInitiator, benchResponder } from '../endpoints';

export interface SessionReceiverConfig {
  credentials: CredentialsJson;
  warmupMs: number;
  windowMs: number;
}

export async function runSessionReceiver(c: SessionReceiverConfig): Promise<void> {
  const server = benchResponder(decodeCredentials(c.credentials));
  let bytes = 0;
  let messages = 0;
  let messagesAtStart = 0;
  const window = new MeasureWindow(
    c.warmupMs,
    c.windowMs,
    () => {
      messagesAtStart = messages;
      return bytes;
    },
    (r) =>
      void reply({
        type: 'result',
        bytes: r.count,
        elapsedMs: r.elapsedMs,
        datagrams: messages - messagesAtStart,
        connection: server.sessions()[0]?.session.connection.snapshot(),
      }),
  );
  const driver = await UdpDriver.bind({
    host: '127.0.0.1',
    port: 0,
    bufferBytes: SOCKET_BUFFER_BYTES,
    onActivity: () => {
      for (const e of server.drainEvents()) {
        if (e.kind === 'sessionEvent' && e.event.kind === 'message' && e.event.streamId === BULK_STREAM_ID) {
          bytes += e.event.data.length;
          messages++;
          window.arm();
        }
      }
    },
  });
  driver.attach(server);
  onCommands(() => undefined);
  await reply({ type: 'ready', port: driver.address.port });
}

export interface SessionSenderConfig {
  credentials: CredentialsJson;
  port: number;
}

export async function runSessionSender(c: SessionSenderConfig): Promise<void> {
  const client = benchInitiator(decodeCredentials(c.credentials), { address: '127.0.0.1', port: c.port }, generateX25519KeyPair());
  const message = Buffer.alloc(MESSAGE_BYTES, 0x5a);
  let datagramsSent = 0;
  // Refill whenever ACKs have made room: the application-side backpressure loop of a file download.
  const refill = (): boolean => {
    const session = client.session;
    if (!session || session.isClosed) return false;
    let queued = false;
    while (session.connection.buffered(BULK_STREAM_ID) < MAX_BUFFERED_BYTES) {
      session.send(BULK_STREAM_ID, message);
      queued = true;
    }
    return queued;
  };
  const driver: UdpDriver = await UdpDriver.bind({
    host: '127.0.0.1',
    port: 0,
    bufferBytes: SOCKET_BUFFER_BYTES,
    onActivity: () => {
      for (const e of client.drainEvents()) {
        if (e.kind === 'failed') throw new Error(`bench session handshake failed: ${e.reason}`);
        if (e.kind === 'sessionEvent' && e.event.kind === 'closed') console.error(`bench session closed: ${e.event.reason}`);
      }
      if (refill()) driver.kick();
    },
  });
  driver.attach(client);
  onCommands(
    () => undefined,
    async () => {
      const stats = client.session?.connection.snapshot();
      datagramsSent = stats?.packetsSent ?? 0;
      await reply({ type: 'senderStats', datagramsSent, sendErrors: driver.sendErrors, connection: stats });
    },
  );
}
