/**
 * Memory per idle session: one responder process holds many confirmed, idle sessions; it reports its
 * memory after a full GC before and after they are opened. The sessions come from a separate
 * initiator process, each on its own socket and loopback address with its own device key (1,000
 * distinct clients, as the relay would see them).
 */
import { generateX25519KeyPair } from '@clawchat/crypto';
import { CloseCode, type InitiatorEndpoint } from '@clawchat/protocol';
import { UdpDriver } from '@clawchat/protocol/node';
import { onCommands, reply } from '../../shared/worker-side';
import { MEMORY_ADDRESS_BLOCK } from '../constants';
import { decodeCredentials, type CredentialsJson } from '../credentials';
import { benchInitiator, benchResponder, loopbackAddress } from '../endpoints';

export interface MemoryResponderConfig {
  credentials: CredentialsJson;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory responder needs node --expose-gc');
  // Twice: the first pass may only queue finalizers that free more on the second.
  gc();
  gc();
}

export async function runMemoryResponder(c: MemoryResponderConfig): Promise<void> {
  const server = benchResponder(decodeCredentials(c.credentials));
  let confirmedTotal = 0;
  let target: { live: number; confirmedTotal: number } | undefined;
  const checkTarget = () => {
    if (!target) return;
    const live = server.sessionCount;
    if (live === target.live && confirmedTotal >= target.confirmedTotal) {
      target = undefined;
      void reply({ type: 'reached', live, confirmedTotal });
    }
  };
  const driver = await UdpDriver.bind({
    host: '127.0.0.1',
    port: 0,
    onActivity: () => {
      for (const e of server.drainEvents()) if (e.kind === 'session') confirmedTotal++;
      checkTarget();
    },
  });
  driver.attach(server);
  onCommands((m) => {
    if (m.type === 'await') {
      target = { live: Number(m.live), confirmedTotal: Number(m.confirmedTotal) };
      checkTarget();
    } else if (m.type === 'measure') {
      fullGc();
      const u = process.memoryUsage();
      void reply({ type: 'memory', sessions: server.sessionCount, rss: u.rss, heapUsed: u.heapUsed, external: u.external, arrayBuffers: u.arrayBuffers });
    }
  });
  await reply({ type: 'ready', port: driver.address.port });
}

export interface MemoryInitiatorsConfig {
  credentials: CredentialsJson;
  port: number;
  concurrency: number;
}

/** Opens `count` sessions (addresses `first`..), `concurrency` handshakes at a time; optionally closes each at once. */
async function openSessions(
  c: MemoryInitiatorsConfig,
  first: number,
  count: number,
  closeAfter: boolean,
  keep: UdpDriver[],
): Promise<{ opened: number; failed: number }> {
  const credentials = decodeCredentials(c.credentials);
  const remote = { address: '127.0.0.1', port: c.port };
  let next = first;
  let opened = 0;
  let failed = 0;
  const openOne = async (i: number) => {
    const endpoint: InitiatorEndpoint = benchInitiator(credentials, remote, generateX25519KeyPair());
    let settle: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const driver = await UdpDriver.bind({
      host: loopbackAddress(MEMORY_ADDRESS_BLOCK, i),
      port: 0,
      onActivity: () => {
        for (const e of endpoint.drainEvents()) {
          if (e.kind === 'established') {
            opened++;
            // Closing here puts the CLOSE in the same flush as the confirming first packet.
            if (closeAfter) e.session.close(CloseCode.NORMAL, 'benchmark warm-up');
            settle();
          } else if (e.kind === 'failed') {
            failed++;
            settle();
          }
        }
      },
    });
    keep.push(driver);
    driver.attach(endpoint);
    await done;
  };
  const lane = async () => {
    while (next < first + count) await openOne(next++);
  };
  await Promise.all(Array.from({ length: c.concurrency }, lane));
  return { opened, failed };
}

export async function runMemoryInitiators(c: MemoryInitiatorsConfig): Promise<void> {
  const drivers: UdpDriver[] = [];
  let nextAddress = 0;
  onCommands(
    (m) => {
      if (m.type !== 'open') return;
      const count = Number(m.count);
      const first = nextAddress;
      nextAddress += count;
      void openSessions(c, first, count, m.closeAfter === true, drivers).then((r) => reply({ type: 'opened', count: r.opened, failed: r.failed }));
    },
    async () => {
      await Promise.all(drivers.map((d) => d.close()));
    },
  );
  await reply({ type: 'ready', port: 0 });
}
