/**
 * The baselines of the round-trip figure: the same three-process shape with no reliability and no
 * application work. A client sends a request datagram to a forwarder, which passes it to an echo
 * server, whose reply datagram comes back the same way.
 *
 * `sealed` adds exactly the cryptography a real hop pays and nothing else: every datagram is
 * AES-256-GCM sealed by its sender and opened by its receiver (libs/crypto's packet functions, a
 * 16-byte header as associated data, a counter nonce per direction), so the forwarder opens and
 * re-seals like the relay does between a client session and the local link.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { aeadOpenPacket, aeadSealPacketInPlace } from '@clawchat/crypto';
import { onCommands, reply } from '../../shared/worker-side';

/** The data header of a real packet (type, receiver index, counter): the associated data. */
const HEADER_BYTES = 16;
const TAG_BYTES = 16;
/** A fixed key: what is measured is the cost of sealing and opening, not key agreement. */
const KEY = Buffer.alloc(32, 0x5a);

/** One direction of one hop: seals with increasing counters; opens what the other side sealed. */
class SealedHop {
  private counter = 0;

  /** header || payload || tag, sealed in place (the payload bytes are copied in). */
  seal(payload: Buffer): Buffer {
    const packet = Buffer.allocUnsafe(HEADER_BYTES + payload.length + TAG_BYTES);
    packet.fill(0, 0, HEADER_BYTES);
    const counter = this.counter++;
    packet.writeUInt32LE(counter, 8);
    payload.copy(packet, HEADER_BYTES);
    aeadSealPacketInPlace(KEY, counter, packet, HEADER_BYTES);
    return packet;
  }

  static open(packet: Buffer): Buffer {
    const plaintext = aeadOpenPacket(KEY, packet.readUInt32LE(8), packet, HEADER_BYTES);
    if (!plaintext) throw new Error('sealed chain: a datagram did not authenticate');
    return plaintext;
  }
}

/** Sizes on the wire stay the same as the plain chain's: the seal's 32 bytes replace payload bytes. */
const payloadFor = (wireBytes: number, sealed: boolean): Buffer => Buffer.alloc(sealed ? wireBytes - HEADER_BYTES - TAG_BYTES : wireBytes, 0x61);

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
  sealed: boolean;
}

export async function runPlainEcho(c: PlainEchoConfig): Promise<void> {
  const socket = await bind();
  const answer = payloadFor(c.replyBytes, c.sealed);
  const back = new SealedHop();
  socket.on('message', (data, from) => {
    if (!c.sealed) return socket.send(answer, from.port, from.address);
    SealedHop.open(data);
    socket.send(back.seal(answer), from.port, from.address);
  });
  onCommands(() => undefined, () => {
    socket.close();
  });
  await reply({ type: 'ready', port: portOf(socket) });
}

export interface PlainForwarderConfig {
  echoPort: number;
  sealed: boolean;
}

/** One socket faces the clients, one the echo server; a reply goes to the client that asked last. */
export async function runPlainForwarder(c: PlainForwarderConfig): Promise<void> {
  const front = await bind();
  const back = await bind();
  let client: { port: number; address: string } | undefined;
  const toEcho = new SealedHop();
  const toClient = new SealedHop();
  front.on('message', (data, from) => {
    client = { port: from.port, address: from.address };
    back.send(c.sealed ? toEcho.seal(SealedHop.open(data)) : data, c.echoPort, '127.0.0.1');
  });
  back.on('message', (data) => {
    if (client) front.send(c.sealed ? toClient.seal(SealedHop.open(data)) : data, client.port, client.address);
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
  sealed: boolean;
  warmupTurns: number;
  turns: number;
}

export async function runPlainClient(c: PlainClientConfig): Promise<void> {
  const socket = await bind();
  onCommands(() => undefined, () => {
    socket.close();
  });
  const payload = payloadFor(c.requestBytes, c.sealed);
  const out = new SealedHop();
  let request = payload;
  let waiting: (() => void) | undefined;
  socket.on('message', (data) => {
    if (c.sealed) SealedHop.open(data);
    waiting?.();
  });
  // A lost datagram on loopback is rare but would hang the loop: resend after a generous wait.
  const turn = () =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      if (c.sealed) request = out.seal(payload);
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
  await reply({ type: 'turns', firstMs, doneMs: [], pingMs: [], helloMs: [] });
}
