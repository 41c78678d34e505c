/**
 * A relay-like responder and a client-like initiator on real UDP sockets (127.0.0.1), optionally
 * through the lossy proxy. Used by the transport end-to-end tests.
 */
import { randomBytes } from 'node:crypto';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { LossyProxy, type LossyProxyOptions } from '@clawchat/lossy-proxy';
import {
  CLIENT_PATTERN,
  CredentialKind,
  InitiatorEndpoint,
  ResponderEndpoint,
  type ResponderEvent,
  type ResponderPolicy,
  type SecureSession,
  type SessionTimers,
} from '@clawchat/protocol';
import { UdpDriver, monotonicNow } from '@clawchat/protocol/node';

export interface Pair {
  server: ResponderEndpoint;
  client: InitiatorEndpoint;
  serverDriver: UdpDriver;
  clientDriver: UdpDriver;
  proxy?: LossyProxy;
  clientSession: SecureSession;
  serverEvents: ResponderEvent[];
  /** Resolves when `pred` holds after some activity (checked after every batch of datagrams). */
  until(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPair(opts: { proxy?: Omit<LossyProxyOptions, 'target'>; timers?: Partial<SessionTimers> } = {}): Promise<Pair> {
  const relayStatic = generateX25519KeyPair();
  const ticketId = randomBytes(16);
  const psk = randomBytes(32);
  const policy: ResponderPolicy = {
    pskFor: (kind, id) => (kind === CredentialKind.TICKET && id.equals(ticketId) ? psk : undefined),
    admit: () => ({ resumptionId: randomBytes(16) }),
    confirmed: () => undefined,
  };
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const serverEvents: ResponderEvent[] = [];
  const server = new ResponderEndpoint({
    pattern: CLIENT_PATTERN,
    identity: relayStatic.publicKey,
    localStatic: relayStatic,
    policy,
    now: monotonicNow(),
    session: { timers: opts.timers },
  });
  const serverDriver = await UdpDriver.bind({
    host: '127.0.0.1',
    port: 0,
    onActivity: () => {
      serverEvents.push(...server.drainEvents());
      notify();
    },
  });
  serverDriver.attach(server);
  let proxy: LossyProxy | undefined;
  let remote = serverDriver.address;
  if (opts.proxy) {
    proxy = await LossyProxy.start({ ...opts.proxy, target: { host: '127.0.0.1', port: remote.port } });
    remote = { address: proxy.address.host, port: proxy.address.port };
  }
  const client = new InitiatorEndpoint({
    pattern: CLIENT_PATTERN,
    remote,
    identity: relayStatic.publicKey,
    kind: CredentialKind.TICKET,
    credentialId: ticketId,
    psk,
    deviceName: 'e2e',
    localStatic: generateX25519KeyPair(),
    remoteStatic: relayStatic.publicKey,
    now: monotonicNow(),
    session: { timers: opts.timers },
  });
  const clientDriver = await UdpDriver.bind({ host: '127.0.0.1', port: 0, onActivity: notify });
  clientDriver.attach(client);
  const until = (pred: () => boolean, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      if (pred()) return resolve();
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`condition not reached within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  await until(() => client.state === 'established', 20_000);
  const clientSession = client.session as SecureSession;
  return {
    server,
    client,
    serverDriver,
    clientDriver,
    proxy,
    clientSession,
    serverEvents,
    until,
    async close() {
      await clientDriver.close();
      await serverDriver.close();
      await proxy?.close();
    },
  };
}

/** Messages the server received so far, in order, from the collected events. */
export function serverMessages(pair: Pair, streamId?: number): Buffer[] {
  const out: Buffer[] = [];
  for (const e of pair.serverEvents) {
    if (e.kind === 'sessionEvent' && e.event.kind === 'message' && (streamId === undefined || e.event.streamId === streamId)) out.push(e.event.data);
  }
  return out;
}
