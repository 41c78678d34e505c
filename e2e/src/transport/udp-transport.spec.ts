import { createHash, randomBytes } from 'node:crypto';
import { UdpDriver } from '@clawchat/protocol/node';
import { startPair, serverMessages, type Pair } from '../support/transport-pair';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('secure transport over real UDP through the lossy proxy', () => {
  let pair: Pair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  test('1,000 chat messages and a 64 MiB stream at 20% loss each way with reordering and duplication', async () => {
    pair = await startPair({ proxy: { loss: 0.2, reorder: 0.05, duplicate: 0.05, seed: 1234 } });
    const p = pair;
    const chats = Array.from({ length: 1000 }, (_, i) => Buffer.from(`chat ${i}: ${'x'.repeat(i % 400)}`));
    chats.forEach((m) => p.clientSession.send(1, m));
    const blob = randomBytes(64 * 1024 * 1024);
    const chunk = 256 * 1024;
    let queued = 0;
    // Feed the stream with backpressure, as the file service does.
    const feed = () => {
      while (queued < blob.length && p.clientSession.connection.buffered(3) < 8 * 1024 * 1024) {
        p.clientSession.send(3, blob.subarray(queued, queued + chunk));
        queued += chunk;
      }
      p.clientDriver.kick();
    };
    const timer = setInterval(feed, 5);
    feed();
    await p.until(() => serverMessages(p, 3).length === blob.length / chunk && serverMessages(p, 1).length === 1000, 240_000);
    clearInterval(timer);
    const got = serverMessages(p, 1);
    expect(got.length).toBe(1000);
    got.forEach((m, i) => expect(m.equals(chats[i])).toBe(true));
    expect(sha(Buffer.concat(serverMessages(p, 3)))).toBe(sha(blob));
    const stats = p.proxy?.stats;
    expect(stats?.up.dropped).toBeGreaterThan(1000);
    expect(stats?.up.duplicated).toBeGreaterThan(100);
  }, 300_000);

  test('a source-port change mid-transfer: the session moves after path validation, no new handshake, nothing lost', async () => {
    pair = await startPair({ proxy: { loss: 0.02, seed: 99 } });
    const p = pair;
    const msgs = Array.from({ length: 2000 }, (_, i) => Buffer.from(`m${i}-${'y'.repeat(500)}`));
    msgs.slice(0, 1000).forEach((m) => p.clientSession.send(1, m));
    p.clientDriver.kick();
    await p.until(() => serverMessages(p, 1).length >= 300);
    const before = p.serverDriver.address;
    void before;
    await p.proxy?.rebind();
    msgs.slice(1000).forEach((m) => p.clientSession.send(1, m));
    p.clientDriver.kick();
    await p.until(() => serverMessages(p, 1).length === 2000 && p.serverEvents.some((e) => e.kind === 'sessionEvent' && e.event.kind === 'pathChanged'));
    expect(serverMessages(p, 1).map((b) => b.toString())).toEqual(msgs.map((b) => b.toString()));
    expect(p.server.handshakes).toBe(1);
    const moved = p.serverEvents.find((e) => e.kind === 'sessionEvent' && e.event.kind === 'pathChanged');
    expect(moved && moved.kind === 'sessionEvent' && moved.event.kind === 'pathChanged' && moved.event.to.port).toBe(p.proxy?.upstreamPort);
  }, 120_000);

  test('a forced rekey mid-transfer loses nothing, and packets under the retired keys are rejected', async () => {
    pair = await startPair({ proxy: { loss: 0.05, seed: 7 } });
    const p = pair;
    const blob = randomBytes(8 * 1024 * 1024);
    for (let o = 0; o < blob.length; o += 128 * 1024) p.clientSession.send(3, blob.subarray(o, o + 128 * 1024));
    const captured: Buffer[] = [];
    const origSend = p.clientDriver.socket.send.bind(p.clientDriver.socket) as (...a: unknown[]) => void;
    (p.clientDriver.socket as unknown as { send: (...a: unknown[]) => void }).send = (...args: unknown[]) => {
      if (captured.length < 200 && Buffer.isBuffer(args[0]) && (args[0] as Buffer)[0] === 4) captured.push(Buffer.from(args[0] as Buffer));
      origSend(...args);
    };
    p.clientDriver.kick();
    await p.until(() => serverMessages(p, 3).length >= 16);
    p.clientSession.rekey(performance.now());
    p.clientDriver.kick();
    await p.until(() => serverMessages(p, 3).length === 64, 120_000);
    expect(sha(Buffer.concat(serverMessages(p, 3)))).toBe(sha(blob));
    expect(p.clientSession.status(performance.now()).rekeys).toBe(1);
    expect(p.server.handshakes).toBe(1);
    // Force the retired keys out (as the 15 s grace timer would) and replay old packets.
    const [{ session }] = p.server.sessions();
    (session as unknown as { retirePrevious: () => void }).retirePrevious();
    const dropsBefore = p.server.drops.unknownIndex + session.dropped.oldKey;
    for (const d of captured) p.clientDriver.sendRaw(d, p.serverDriver.address);
    await p.until(() => p.server.drops.unknownIndex + session.dropped.oldKey - dropsBefore === captured.length, 10_000);
    expect(session.isClosed).toBe(false);
  }, 180_000);

  test('100,000 replayed, forged, truncated and random datagrams: all dropped, none answered, traffic unaffected', async () => {
    pair = await startPair();
    const p = pair;
    const captured: Buffer[] = [];
    const origSend = p.clientDriver.socket.send.bind(p.clientDriver.socket) as (...a: unknown[]) => void;
    (p.clientDriver.socket as unknown as { send: (...a: unknown[]) => void }).send = (...args: unknown[]) => {
      if (captured.length < 500 && Buffer.isBuffer(args[0])) captured.push(Buffer.from(args[0] as Buffer));
      origSend(...args);
    };
    for (let i = 0; i < 100; i++) p.clientSession.send(1, Buffer.from(`before ${i}`));
    p.clientDriver.kick();
    await p.until(() => serverMessages(p, 1).length === 100);
    const attacker = await UdpDriver.bind({ host: '127.0.0.1', port: 0 });
    let answers = 0;
    attacker.socket.on('message', () => answers++);
    const target = p.serverDriver.address;
    const totalDrops = () => Object.values(p.server.drops).reduce((a, b) => a + b, 0);
    const dropsBefore = totalDrops();
    let sentDuringAttack = 0;
    let sent = 0;
    for (let i = 0; i < 100_000; i++) {
      const base = captured[i % captured.length];
      let d: Buffer;
      switch (i % 5) {
        case 0:
          d = base; // replay
          break;
        case 1:
          d = base.subarray(0, i % base.length); // truncated
          break;
        case 2:
          d = Buffer.from(base);
          d[d.length - 1 - (i % 16)] ^= 0x40; // forged
          break;
        case 3:
          d = randomBytes(1 + (i % 1400)); // random
          break;
        default:
          d = randomBytes(228); // shaped like a handshake packet
          d[0] = 1 + (i % 4);
      }
      if (d.length === 0) d = Buffer.from([0]);
      attacker.sendRaw(d, target);
      sent++;
      if (sent % 500 === 0) {
        // Pace the attack so the kernel's socket buffer never overflows: every datagram must reach
        // the relay's code, and every one must be counted as dropped.
        await p.until(() => totalDrops() - dropsBefore >= sent, 20_000);
        p.clientSession.send(1, Buffer.from(`during ${sentDuringAttack++}`));
        p.clientDriver.kick();
      }
    }
    await p.until(() => totalDrops() - dropsBefore === 100_000, 20_000);
    await p.until(() => serverMessages(p, 1).length === 100 + sentDuringAttack, 60_000);
    const got = serverMessages(p, 1).map((b) => b.toString());
    expect(got.slice(100)).toEqual(Array.from({ length: sentDuringAttack }, (_, i) => `during ${i}`));
    expect(answers).toBe(0);
    expect(p.clientSession.isClosed).toBe(false);
    await attacker.close();
  }, 180_000);
});
