import dgram from 'node:dgram';
import type { Address, Datagram } from '../secure/session';
import { UdpDriver, literalLookup, type DrivenMachine } from './udp-driver';

/** A machine that sends whatever the test queues, to whom the test says, and records what arrives. */
class ScriptedMachine implements DrivenMachine {
  queued: Datagram[] = [];
  received: { data: Buffer; from: Address }[] = [];
  receive(data: Buffer, from: Address): void {
    this.received.push({ data, from });
  }
  flush(): Datagram[] {
    return this.queued.splice(0, this.queued.length);
  }
  nextTimeout(): number | undefined {
    return undefined;
  }
  onTimeout(): void {
    // no timers
  }
}

interface Peer {
  socket: dgram.Socket;
  address: Address;
  got: { text: string; from: Address }[];
  waitFor(count: number): Promise<void>;
}

async function listen(): Promise<Peer> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const got: Peer['got'] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data, rinfo) => {
    got.push({ text: data.toString(), from: { address: rinfo.address, port: rinfo.port } });
    for (const w of waiters.splice(0)) w();
  });
  const waitFor = (count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = () => (got.length >= count ? resolve() : waiters.push(check));
      check();
    });
  return { socket, address: { address: '127.0.0.1', port: socket.address().port }, got, waitFor };
}

const closeSocket = (s: dgram.Socket) => new Promise<void>((resolve) => s.close(() => resolve()));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves once the driver has run a pump (kick schedules it with setImmediate). */
async function pump(driver: UdpDriver): Promise<void> {
  driver.kick();
  await nextTurn();
  await nextTurn();
}

describe('literalLookup', () => {
  test('answers an IP literal synchronously with its own family, like dns.lookup', () => {
    const answers: [string, number][] = [];
    literalLookup('127.0.0.1', 4, (err, address, family) => answers.push([address, family]));
    literalLookup('::1', 6, (err, address, family) => answers.push([address, family]));
    literalLookup('127.0.0.1', 6, (err, address, family) => answers.push([address, family]));
    expect(answers).toEqual([
      ['127.0.0.1', 4],
      ['::1', 6],
      ['127.0.0.1', 4],
    ]);
  });

  test('still resolves a host name (asynchronously, through dns.lookup)', async () => {
    let sync = true;
    const answer = new Promise<[string, number]>((resolve, reject) =>
      literalLookup('localhost', 4, (err, address, family) => (err ? reject(err) : resolve([address, family]))),
    );
    sync = false;
    const [address, family] = await answer;
    expect(sync).toBe(false);
    expect(family).toBe(4);
    expect(address).toMatch(/^127\./);
  });
});

describe('UdpDriver', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });
  async function driverWith(machine: ScriptedMachine): Promise<UdpDriver> {
    const driver = await UdpDriver.bind({ host: '127.0.0.1', port: 0 });
    driver.attach(machine);
    cleanup.push(() => driver.close());
    return driver;
  }
  async function peer(): Promise<Peer> {
    const p = await listen();
    cleanup.push(() => closeSocket(p.socket));
    return p;
  }

  test('sends each datagram to its own peer, from the bound address, and hands what arrives to the machine', async () => {
    const a = await peer();
    const b = await peer();
    const machine = new ScriptedMachine();
    const driver = await driverWith(machine);
    machine.queued.push({ to: a.address, data: Buffer.from('to a') }, { to: b.address, data: Buffer.from('to b') });
    await pump(driver);
    await a.waitFor(1);
    await b.waitFor(1);
    expect([a.got[0].text, b.got[0].text]).toEqual(['to a', 'to b']);
    expect(a.got[0].from).toEqual(driver.address);
    b.socket.send('back', driver.address.port, '127.0.0.1');
    await new Promise<void>((resolve) => driver.socket.once('message', () => setImmediate(resolve)));
    expect(machine.received.map((r) => r.data.toString())).toEqual(['back']);
    expect(driver.sendErrors).toBe(0);
  });

  test('flushNow sends what is queued at once, without waiting for the end of the loop turn', async () => {
    const a = await peer();
    const machine = new ScriptedMachine();
    const driver = await driverWith(machine);
    await pump(driver);
    machine.queued.push({ to: a.address, data: Buffer.from('now') });
    driver.flushNow();
    expect(machine.queued).toHaveLength(0);
    await a.waitFor(1);
    expect(a.got[0].text).toBe('now');
  });

  test('flushSoon sends once the synchronous run and its microtasks are over, in one flush for several sends', async () => {
    const a = await peer();
    const machine = new ScriptedMachine();
    const flushes: number[] = [];
    const flush = machine.flush.bind(machine);
    machine.flush = () => {
      const out = flush();
      flushes.push(out.length);
      return out;
    };
    const driver = await driverWith(machine);
    await pump(driver);
    flushes.length = 0;
    machine.queued.push({ to: a.address, data: Buffer.from('one') });
    driver.flushSoon();
    machine.queued.push({ to: a.address, data: Buffer.from('two') });
    driver.flushSoon();
    expect(machine.queued).toHaveLength(2); // nothing sent synchronously
    await Promise.resolve();
    expect(machine.queued).toHaveLength(0); // sent before any loop turn (a setImmediate would still be pending)
    expect(flushes).toEqual([2]);
    await a.waitFor(2);
    expect(a.got.map((g) => g.text)).toEqual(['one', 'two']);
  });

  test('connected to one peer: only its datagrams arrive, and a closed port is reported as ECONNREFUSED', async () => {
    const server = await listen(); // closed by the test itself
    const stranger = await peer();
    const machine = new ScriptedMachine();
    const errors: string[] = [];
    const driver = await UdpDriver.bind({ host: '127.0.0.1', port: 0, peer: server.address, onSocketError: (e) => errors.push(e.code ?? '') });
    driver.attach(machine);
    cleanup.push(() => driver.close());
    machine.queued.push({ to: server.address, data: Buffer.from('hello') }, { to: stranger.address, data: Buffer.from('not for you') });
    await pump(driver);
    await server.waitFor(1);
    stranger.socket.send('injected', driver.address.port, '127.0.0.1');
    server.socket.send('answer', driver.address.port, '127.0.0.1');
    await new Promise<void>((resolve) => driver.socket.once('message', () => setImmediate(resolve)));
    expect(machine.received.map((r) => r.data.toString())).toEqual(['answer']);
    expect(stranger.got).toEqual([]); // the machine never addresses anyone else on a connected socket
    // The peer's process goes away: the next datagram to it comes back as "port unreachable".
    await closeSocket(server.socket);
    machine.queued.push({ to: server.address, data: Buffer.from('anyone there?') });
    await pump(driver);
    await new Promise<void>((resolve) => {
      const check = () => (errors.length ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(errors).toEqual(['ECONNREFUSED']);
  });

  test('counts send errors without a callback on every datagram', async () => {
    const machine = new ScriptedMachine();
    const driver = await driverWith(machine);
    // An IPv6 destination on an IPv4 socket fails synchronously in the kernel call, for every datagram.
    const unreachable = { address: '::1', port: 9 };
    for (let batch = 0; batch < 3; batch++) {
      for (let i = 0; i < 10; i++) machine.queued.push({ to: unreachable, data: Buffer.from('x') });
      await pump(driver);
    }
    await nextTurn();
    // One completion per batch: every batch's error is seen, not every datagram's.
    expect(driver.sendErrors).toBe(3);
  });
});
