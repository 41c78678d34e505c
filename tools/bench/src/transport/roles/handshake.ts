/**
 * Handshakes per second: an initiator process runs full IKpsk2 handshakes (a new InitiatorEndpoint
 * each, as a reconnecting client would) against a responder process. "Full" means initiation,
 * response, the first data packet that confirms the session, and the responder's CLOSE back: the
 * responder closes every session as soon as it is confirmed so its state stays bounded.
 */
import { generateX25519KeyPair, type X25519KeyPair } from '@clawchat/crypto';
import { CloseCode, type InitiatorEndpoint } from '@clawchat/protocol';
import { UdpDriver } from '@clawchat/protocol/node';
import { MeasureWindow } from '../../shared/measure-window';
import { onCommands, reply } from '../../shared/worker-side';
import { HANDSHAKE_ADDRESS_BLOCK, HANDSHAKE_SOURCE_ADDRESSES } from '../constants';
import { decodeCredentials, type CredentialsJson } from '../credentials';
import { benchInitiator, benchResponder, loopbackAddress } from '../endpoints';

export interface HandshakeResponderConfig {
  credentials: CredentialsJson;
  alwaysUnderLoad: boolean;
}

export async function runHandshakeResponder(c: HandshakeResponderConfig): Promise<void> {
  const server = benchResponder(decodeCredentials(c.credentials), { alwaysUnderLoad: c.alwaysUnderLoad });
  let confirmed = 0;
  const driver: UdpDriver = await UdpDriver.bind({
    host: '127.0.0.1',
    port: 0,
    onActivity: () => {
      let closed = false;
      for (const e of server.drainEvents()) {
        if (e.kind !== 'session') continue;
        confirmed++;
        server.closeSession(e.session, CloseCode.NORMAL, 'benchmark handshake done');
        closed = true;
      }
      if (closed) driver.kick();
    },
  });
  driver.attach(server);
  onCommands(
    () => undefined,
    async () => {
      await reply({ type: 'responderStats', confirmed, drops: { ...server.drops } });
    },
  );
  await reply({ type: 'ready', port: driver.address.port });
}

export interface HandshakeInitiatorConfig {
  credentials: CredentialsJson;
  port: number;
  parallel: number;
  warmupMs: number;
  windowMs: number;
}

/** One socket on its own loopback address; it carries one handshake at a time. */
interface Lane {
  driver: UdpDriver;
  endpoint: InitiatorEndpoint | undefined;
  finish: ((ok: boolean) => void) | undefined;
}

async function openLane(host: string): Promise<Lane> {
  const current: Omit<Lane, 'driver'> = { endpoint: undefined, finish: undefined };
  const driver = await UdpDriver.bind({
    host,
    port: 0,
    onActivity: () => {
      const endpoint = current.endpoint;
      if (!endpoint) return;
      for (const e of endpoint.drainEvents()) {
        if (e.kind === 'failed') current.finish?.(false);
        else if (e.kind === 'sessionEvent' && e.event.kind === 'closed') current.finish?.(true);
      }
    },
  });
  return Object.assign(current, { driver });
}

export async function runHandshakeInitiator(c: HandshakeInitiatorConfig): Promise<void> {
  const credentials = decodeCredentials(c.credentials);
  const remote = { address: '127.0.0.1', port: c.port };
  const idle: Lane[] = [];
  for (let i = 0; i < HANDSHAKE_SOURCE_ADDRESSES; i++) idle.push(await openLane(loopbackAddress(HANDSHAKE_ADDRESS_BLOCK, i)));
  // One device key per parallel slot: the responder replaces a half-open handshake of the same identity,
  // so parallel handshakes must not share one.
  const identities: X25519KeyPair[] = Array.from({ length: c.parallel }, () => generateX25519KeyPair());
  let completed = 0;
  let failed = 0;
  let running = true;
  const window = new MeasureWindow(
    c.warmupMs,
    c.windowMs,
    () => completed,
    (r) => {
      running = false;
      void reply({ type: 'result', completed: r.count, elapsedMs: r.elapsedMs, failed });
    },
  );

  const handshakeOnce = (identity: X25519KeyPair): Promise<boolean> => {
    // FIFO reuse: each address is used again only after all the others, far below the per-address limit.
    const lane = idle.shift() as Lane;
    return new Promise<boolean>((resolve) => {
      lane.endpoint = benchInitiator(credentials, remote, identity);
      lane.finish = (ok) => {
        lane.finish = undefined;
        idle.push(lane);
        resolve(ok);
      };
      lane.driver.attach(lane.endpoint);
    });
  };

  const slot = async (identity: X25519KeyPair) => {
    while (running) {
      if (await handshakeOnce(identity)) completed++;
      else failed++;
      window.arm();
    }
  };
  onCommands(() => undefined);
  await Promise.all(identities.map((identity) => slot(identity)));
}
