import { createHash, randomBytes } from 'node:crypto';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { VirtualNet } from '../testing/virtual-net';
import { CLIENT_PATTERN, CredentialKind, LOCAL_PATTERN } from './constants';
import { CookieGenerator, mac, mac1Key } from './cookie';
import { InitiatorEndpoint, ResponderEndpoint, type PeerHello, type ResponderPolicy } from './endpoint';
import { writeInitiation } from './handshake';
import type { Address, SecureSession } from './session';
import { parseCookieReply, tai64n } from './wire';

const relayAddr: Address = { address: '10.0.0.1', port: 50000 };
const clientAddr: Address = { address: '10.0.0.2', port: 40000 };

function ticketPolicy(ticketId: Buffer, psk: Buffer) {
  const state = { consumed: false, confirmedHello: undefined as PeerHello | undefined, resumption: undefined as Buffer | undefined };
  const resumptionId = randomBytes(16);
  const policy: ResponderPolicy = {
    pskFor: (kind, id) => {
      if (kind === CredentialKind.TICKET && id.equals(ticketId) && !state.consumed) return psk;
      if (kind === CredentialKind.RESUMPTION && state.resumption && id.equals(resumptionId)) return state.resumption;
      return undefined;
    },
    admit: () => ({ resumptionId }),
    confirmed: (_s, hello, rpsk) => {
      if (hello.kind === CredentialKind.TICKET) {
        state.consumed = true;
        state.resumption = Buffer.from(rpsk);
      }
      state.confirmedHello = hello;
    },
  };
  return { policy, state, resumptionId };
}

function setup(seed = 1, profile = { loss: 0, delayMs: 5, jitterMs: 0, duplicate: 0 }, timers = {}) {
  const relayStatic = generateX25519KeyPair();
  const clientStatic = generateX25519KeyPair();
  const ticketId = randomBytes(16);
  const psk = randomBytes(32);
  const { policy, state, resumptionId } = ticketPolicy(ticketId, psk);
  const net = new VirtualNet(profile, seed);
  const relay = new ResponderEndpoint({
    pattern: CLIENT_PATTERN,
    identity: relayStatic.publicKey,
    localStatic: relayStatic,
    policy,
    now: 0,
    session: { timers },
  });
  const client = new InitiatorEndpoint({
    pattern: CLIENT_PATTERN,
    remote: relayAddr,
    identity: relayStatic.publicKey,
    kind: CredentialKind.TICKET,
    credentialId: ticketId,
    psk,
    deviceName: 'laptop',
    localStatic: clientStatic,
    remoteStatic: relayStatic.publicKey,
    now: 0,
    session: { timers },
  });
  net.attach(relayAddr, relay);
  net.attach(clientAddr, client);
  return { net, relay, client, state, relayStatic, clientStatic, resumptionId, ticketId, psk };
}

function established(client: InitiatorEndpoint): SecureSession | undefined {
  for (const e of client.drainEvents()) if (e.kind === 'established') return e.session;
  return client.session;
}

describe('secure endpoints', () => {
  test('IKpsk2 handshake over a lossy link, the ticket is consumed by the first data packet', () => {
    const { net, relay, client, state } = setup(3, { loss: 0.3, delayMs: 10, jitterMs: 5, duplicate: 0.1 });
    const got: string[] = [];
    expect(
      net.run(() => {
        const s = established(client);
        if (s && !got.length && !(s as unknown as { sentHello?: boolean }).sentHello) {
          s.send(1, Buffer.from('hello relay'));
          (s as unknown as { sentHello?: boolean }).sentHello = true;
        }
        for (const e of relay.drainEvents()) if (e.kind === 'sessionEvent' && e.event.kind === 'message') got.push(e.event.data.toString());
        return got.length > 0;
      }),
    ).toBe(true);
    expect(got).toEqual(['hello relay']);
    expect(state.consumed).toBe(true);
    expect(state.confirmedHello?.deviceName).toBe('laptop');
    expect(relay.sessionCount).toBe(1);
  });

  test('a forced rekey mid-transfer loses nothing, and the retired keys are rejected afterwards', () => {
    const { net, relay, client } = setup(5, { loss: 0.1, delayMs: 2, jitterMs: 2, duplicate: 0.02 });
    net.run(() => !!established(client));
    const session = client.session as SecureSession;
    const blob = randomBytes(2 * 1024 * 1024);
    for (let o = 0; o < blob.length; o += 64 * 1024) session.send(2, blob.subarray(o, o + 64 * 1024));
    const parts: Buffer[] = [];
    const captured: Buffer[] = [];
    net.tap = (d) => {
      if (d.to.port === relayAddr.port && d.data[0] === 4) captured.push(d.data);
    };
    let rekeyed = false;
    net.run(() => {
      for (const e of relay.drainEvents()) if (e.kind === 'sessionEvent' && e.event.kind === 'message') parts.push(e.event.data);
      if (!rekeyed && parts.length >= 8) {
        session.rekey(net.now);
        rekeyed = true;
      }
      return parts.length >= 32;
    });
    expect(createHash('sha256').update(Buffer.concat(parts)).digest('hex')).toBe(createHash('sha256').update(blob).digest('hex'));
    expect(session.status(net.now).rekeys).toBe(1);
    // Let the grace period pass so the old keys are erased, then replay old-key packets.
    net.tap = undefined;
    net.run(() => false, 20_000);
    const [serverSession] = relay.sessions().map((s) => s.session);
    // Their receiver index was released with the keys, so they do not even reach the session.
    const before = relay.drops.unknownIndex + serverSession.dropped.oldKey;
    for (const d of captured.slice(0, 50)) relay.receive(d, clientAddr, net.now);
    expect(relay.drops.unknownIndex + serverSession.dropped.oldKey - before).toBe(50);
    expect(serverSession.isClosed).toBe(false);
  });

  test('roaming: a NAT rebinding mid-transfer moves the session after path validation, nothing lost', () => {
    const { net, relay, client } = setup(9, { loss: 0.05, delayMs: 3, jitterMs: 1, duplicate: 0 });
    net.run(() => !!established(client));
    const session = client.session as SecureSession;
    const msgs = Array.from({ length: 300 }, (_, i) => Buffer.from(`message ${i} `.repeat(50)));
    msgs.forEach((m) => session.send(1, m));
    const got: Buffer[] = [];
    let moved: Address | undefined;
    let rebound = false;
    net.run(() => {
      for (const e of relay.drainEvents()) {
        if (e.kind === 'sessionEvent' && e.event.kind === 'message') got.push(e.event.data);
        if (e.kind === 'sessionEvent' && e.event.kind === 'pathChanged') moved = e.event.to;
      }
      if (!rebound && got.length > 100) {
        net.nat.set(`${clientAddr.address}:${clientAddr.port}`, { address: '192.0.2.7', port: 61000 });
        rebound = true;
      }
      return got.length === 300 && moved !== undefined;
    });
    expect(got.map((g) => g.toString())).toEqual(msgs.map((m) => m.toString()));
    expect(moved).toEqual({ address: '192.0.2.7', port: 61000 });
    expect(relay.handshakes).toBe(1);
  });

  test('garbage, replays and forgeries are dropped without answers and do not disturb the session', () => {
    const { net, relay, client } = setup(11);
    net.run(() => !!established(client));
    const session = client.session as SecureSession;
    const captured: Buffer[] = [];
    net.tap = (d) => {
      if (d.to.port === relayAddr.port) captured.push(d.data);
    };
    session.send(1, Buffer.from('one'));
    const got: string[] = [];
    net.run(() => {
      for (const e of relay.drainEvents()) if (e.kind === 'sessionEvent' && e.event.kind === 'message') got.push(e.event.data.toString());
      return got.length === 1;
    });
    const attacker: Address = { address: '203.0.113.9', port: 1234 };
    const answers: Buffer[] = [];
    net.attach(attacker, { receive: (d) => answers.push(d), flush: () => [], nextTimeout: () => undefined, onTimeout: () => undefined });
    const rand = () => Math.floor(Math.random() * 256);
    for (let i = 0; i < 2000; i++) {
      const base = captured[i % captured.length];
      const variant = i % 5;
      let d: Buffer;
      if (variant === 0) d = base; // replay
      else if (variant === 1) d = base.subarray(0, rand() % base.length); // truncated
      else if (variant === 2) {
        d = Buffer.from(base);
        d[16 + (i % (d.length - 16))] ^= 1; // forged ciphertext
      } else if (variant === 3) d = randomBytes(1 + (i % 1300)); // random
      else {
        d = randomBytes(228);
        d[0] = 1; // fake initiation
      }
      net.inject(attacker, relayAddr, d);
    }
    session.send(1, Buffer.from('two'));
    net.run(() => {
      for (const e of relay.drainEvents()) if (e.kind === 'sessionEvent' && e.event.kind === 'message') got.push(e.event.data.toString());
      return got.length === 2;
    });
    expect(got).toEqual(['one', 'two']);
    expect(answers).toHaveLength(0);
    expect(session.isClosed).toBe(false);
  });

  test('under load the responder answers with a small cookie, and the initiator retries with mac2', () => {
    const relayStatic = generateX25519KeyPair();
    const ticketId = randomBytes(16);
    const psk = randomBytes(32);
    const { policy } = ticketPolicy(ticketId, psk);
    const net = new VirtualNet({ loss: 0, delayMs: 5, jitterMs: 0, duplicate: 0 });
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0, alwaysUnderLoad: true });
    const client = new InitiatorEndpoint({
      pattern: CLIENT_PATTERN,
      remote: relayAddr,
      identity: relayStatic.publicKey,
      kind: CredentialKind.TICKET,
      credentialId: ticketId,
      psk,
      deviceName: 'x',
      localStatic: generateX25519KeyPair(),
      remoteStatic: relayStatic.publicKey,
      now: 0,
    });
    const sizes: number[][] = [];
    net.tap = (d) => sizes.push([d.to.port, d.data.length, d.data[0]]);
    net.attach(relayAddr, relay);
    net.attach(clientAddr, client);
    expect(net.run(() => !!established(client), 10_000)).toBe(true);
    const cookie = sizes.find((s) => s[2] === 3);
    const init = sizes.find((s) => s[2] === 1);
    expect(cookie).toBeDefined();
    expect((cookie as number[])[1]).toBeLessThan((init as number[])[1]);
    expect(relay.drops.cookie).toBe(1);
  });

  test('NNpsk0 local link: a wrong local key gets no answer at all', () => {
    const key = randomBytes(32);
    const policy: ResponderPolicy = { pskFor: (kind) => (kind === CredentialKind.LOCAL ? key : undefined), admit: () => ({ resumptionId: Buffer.alloc(16) }), confirmed: () => undefined };
    const net = new VirtualNet({ loss: 0, delayMs: 1, jitterMs: 0, duplicate: 0 });
    const server = new ResponderEndpoint({ pattern: LOCAL_PATTERN, identity: key, policy, now: 0 });
    const mk = (psk: Buffer) =>
      new InitiatorEndpoint({ pattern: LOCAL_PATTERN, remote: relayAddr, identity: psk, kind: CredentialKind.LOCAL, credentialId: Buffer.alloc(16), psk, deviceName: 'relay', now: net.now, handshakeTimeoutMs: 3000 });
    net.attach(relayAddr, server);
    const wrong = mk(randomBytes(32));
    net.attach(clientAddr, wrong);
    net.run(() => wrong.state === 'failed', 10_000);
    expect(wrong.state).toBe('failed');
    expect(server.drops.mac1).toBeGreaterThan(0);
    const right = mk(key);
    net.attach(clientAddr, right);
    expect(net.run(() => right.state === 'established', 10_000)).toBe(true);
  });

  test('idle timeout closes both sides with a reason; keepalives keep an idle session open', () => {
    const { net, relay, client } = setup(13, { loss: 0, delayMs: 5, jitterMs: 0, duplicate: 0 }, { keepaliveMs: 1000, idleTimeoutMs: 5000 });
    net.run(() => !!established(client));
    const session = client.session as SecureSession;
    net.run(() => false, 30_000);
    expect(session.isClosed).toBe(false);
    expect(relay.sessionCount).toBe(1);
    // Cut the link: both sides notice within the idle timeout.
    net.profile = { loss: 1, delayMs: 5, jitterMs: 0, duplicate: 0 };
    net.run(() => session.isClosed && relay.sessionCount === 0, 10_000);
    expect(session.isClosed).toBe(true);
    expect(relay.sessionCount).toBe(0);
  });

  test('a forged response (even with a valid mac1) does not spoil the handshake: the genuine one still completes it', () => {
    const { net, relay, client, clientStatic } = setup(17, { loss: 0, delayMs: 5, jitterMs: 0, duplicate: 0 });
    const attacker: Address = { address: '198.51.100.1', port: 9 };
    let forged = 0;
    net.tap = (d) => {
      if (d.to.port === relayAddr.port && d.data[0] === 1 && forged === 0) {
        // Answer before the relay does, with the right receiver index and a correct mac1.
        const senderIndex = d.data.readUInt32BE(4);
        const body = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.alloc(4, 7), Buffer.alloc(4), randomBytes(64)]);
        body.writeUInt32BE(senderIndex, 8);
        const withMacs = Buffer.concat([body, mac(mac1Key(clientStatic.publicKey), body), Buffer.alloc(16)]);
        client.receive(withMacs, attacker, net.now);
        forged++;
      }
    };
    expect(net.run(() => client.state === 'established', 10_000)).toBe(true);
    expect(forged).toBe(1);
    expect(client.drops).toBeGreaterThanOrEqual(1);
    expect(relay.handshakes).toBe(1);
  });

  test('rekeys started by both sides at once, under loss, never make the keys drift', () => {
    const { net, relay, client } = setup(23, { loss: 0.2, delayMs: 3, jitterMs: 3, duplicate: 0.05 });
    net.run(() => !!established(client));
    const c = client.session as SecureSession;
    c.send(1, Buffer.from('hello'));
    net.run(() => relay.sessions().length === 1);
    const s = relay.sessions()[0].session;
    const got: string[] = [];
    for (let round = 0; round < 6; round++) {
      c.rekey(net.now);
      s.rekey(net.now);
      c.send(1, Buffer.from(`round ${round}`));
      net.run(() => {
        for (const e of relay.drainEvents()) if (e.kind === 'sessionEvent' && e.event.kind === 'message') got.push(e.event.data.toString());
        return got.includes(`round ${round}`);
      }, 60_000);
      // Let retransmitted REKEY frames play out before the next round.
      net.run(() => false, 3_000);
    }
    expect(got.filter((g) => g.startsWith('round'))).toEqual(['round 0', 'round 1', 'round 2', 'round 3', 'round 4', 'round 5']);
    expect(c.isClosed).toBe(false);
    expect(s.isClosed).toBe(false);
    expect(c.status(net.now).rekeys).toBe(6);
    expect(s.status(net.now).rekeys).toBe(6);
  });
});

describe('half-open handshake table under a flood (someone who knows the relay key and a ticket id, not its PSK)', () => {
  // IKpsk2 mixes the PSK in only at message 2, so such an initiation passes mac1 and Noise and is
  // admitted; it can never be confirmed, but it holds a half-open slot until it expires.
  const relayStatic = generateX25519KeyPair();
  const ticketId = randomBytes(16);
  const ticketPsk = randomBytes(32);
  const deviceId = randomBytes(16);
  const devicePsk = randomBytes(32);
  const device = generateX25519KeyPair();
  const policy: ResponderPolicy = {
    pskFor: (kind, id) => (kind === CredentialKind.TICKET && id.equals(ticketId) ? ticketPsk : kind === CredentialKind.RESUMPTION && id.equals(deviceId) ? devicePsk : undefined),
    admit: () => ({ resumptionId: randomBytes(16) }),
    confirmed: () => undefined,
  };
  let wall = Date.parse('2026-11-25T12:00:00Z');
  const initiationBody = (kind: number, id: Buffer, psk: Buffer, s = generateX25519KeyPair()): Buffer =>
    writeInitiation({
      pattern: CLIENT_PATTERN,
      kind,
      credentialId: id,
      psk,
      senderIndex: randomBytes(4).readUInt32BE(0) || 1,
      timestamp: tai64n((wall += 17)), // each initiation in its own 16.8 ms timestamp granule
      deviceName: 'x',
      localStatic: s,
      remoteStatic: relayStatic.publicKey,
    }).body;
  const flood = (): Buffer => new CookieGenerator(relayStatic.publicKey).seal(initiationBody(CredentialKind.TICKET, ticketId, randomBytes(32)), 0);
  const legit = { address: '203.0.113.9', port: 5000 };
  /** The device's resumption, as the real initiator does it: a cookie reply is answered at once with mac2. */
  const answeredLegit = (relay: ResponderEndpoint, cookies: CookieGenerator, now: number): boolean => {
    for (let attempt = 0; attempt < 2; attempt++) {
      relay.receive(cookies.seal(initiationBody(CredentialKind.RESUMPTION, deviceId, devicePsk, device), now), legit, now);
      for (const d of relay.flush(now)) {
        if (d.to.address !== legit.address) continue;
        if (d.data[0] === 2) return true;
        const reply = d.data[0] === 3 ? parseCookieReply(d.data) : undefined;
        if (reply) cookies.consumeReply(reply.nonce, reply.sealedCookie, now);
      }
    }
    return false;
  };

  test('one host flooding below the cookie threshold holds at most its own share and cannot lock a device out', () => {
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
    const cookies = new CookieGenerator(relayStatic.publicKey);
    let answered = 0;
    // 100 a second from one host: the old table (1024 slots, 20 s each) was full after 10 s.
    for (let now = 0, n = 0; now < 25_000; now += 1000 / 100, n++) {
      relay.receive(flood(), { address: '198.51.100.7', port: 40000 + (n % 1000) }, now);
      relay.flush(now);
      if (n % 250 === 249 && answeredLegit(relay, cookies, now)) answered++;
    }
    expect(answered).toBe(10); // every attempt of the device, one every 2.5 s
    // The flood filled its own share (16), then met the cookie it cannot answer without its real address.
    expect(relay.drops.cookie).toBeGreaterThan(2000);
  });

  test("spoofing the device's own address cannot push its handshake out: a full source must show a cookie", () => {
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
    const home = { address: '203.0.113.9', port: 40000 }; // the device's NAT, spoofed by the attacker
    let now = 0;
    for (let i = 0; i < 16; i++, now += 5) {
      relay.receive(flood(), home, now);
      relay.flush(now);
    }
    const cookies = new CookieGenerator(relayStatic.publicKey);
    expect(answeredLegit(relay, cookies, now)).toBe(true); // a cookie reply, then the retry with mac2 gets in
    const evicted = relay.drops.halfOpenEvicted;
    const cookieReplies = relay.drops.cookie;
    for (let i = 0; i < 50; i++, now += 5) {
      relay.receive(flood(), home, now);
      relay.flush(now);
    }
    // The spoofer never sees the cookie, so it evicts nothing: the device's handshake stays until confirmed.
    expect(relay.drops.halfOpenEvicted).toBe(evicted);
    expect(relay.drops.cookie).toBe(cookieReplies + 50);
  });

  test('a busy relay leaves cookie mode once new handshakes drop below the threshold (a cookie retry is not counted twice)', () => {
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
    // One second of 700 initiations/s from one host: under load.
    for (let now = 0; now < 1000; now += 1000 / 700) {
      relay.receive(flood(), { address: '198.51.100.7', port: 40000 }, now);
      relay.flush(now);
    }
    expect(relay.isUnderLoad(1000)).toBe(true);
    // Then 400 new handshakes/s (from six hosts, so the half-open table stays below its own trigger),
    // each answering a cookie reply at once with a retry that carries mac2: 800 initiations a second.
    let n = 0;
    let completed = 0;
    for (let now = 1000; now < 4000; now += 1000 / 400) {
      const address = { address: `203.0.113.${n++ % 6}`, port: 40000 };
      const cookies = new CookieGenerator(relayStatic.publicKey);
      for (let attempt = 0; attempt < 2; attempt++) {
        relay.receive(cookies.seal(initiationBody(CredentialKind.TICKET, ticketId, ticketPsk), now), address, now);
        const answer = relay.flush(now).find((d) => d.to.address === address.address);
        if (answer?.data[0] === 2) completed++;
        const reply = answer?.data[0] === 3 ? parseCookieReply(answer.data) : undefined;
        if (!reply) break;
        cookies.consumeReply(reply.nonce, reply.sealedCookie, now);
      }
    }
    expect(relay.isUnderLoad(4000)).toBe(false);
    expect(completed).toBeGreaterThan(300);
  });

  test('many sources: past a few dozen half-open entries cookies are demanded, and the device still gets in', () => {
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
    const cookies = new CookieGenerator(relayStatic.publicKey);
    let answered = 0;
    let cookieReplies = 0;
    for (let now = 0, n = 0; now < 20_000; now += 1000 / 100, n++) {
      // A different address every time (spoofed, or a botnet): no per-source limit applies.
      relay.receive(flood(), { address: `198.51.${n % 250}.${n % 200}`, port: 40000 }, now);
      cookieReplies += relay.flush(now).filter((d) => d.data[0] === 3).length;
      if (n % 250 === 249 && answeredLegit(relay, cookies, now)) answered++;
    }
    expect(cookieReplies).toBeGreaterThan(1000); // no DH work for most of the flood
    expect(answered).toBe(8);
  });
});

test('local link: a relay restarted after the clock stepped back still gets in (no timestamp rule there)', () => {
  const key = randomBytes(32);
  const policy: ResponderPolicy = { pskFor: (kind) => (kind === CredentialKind.LOCAL ? key : undefined), admit: () => ({ resumptionId: Buffer.alloc(16) }), confirmed: () => undefined };
  const server = new ResponderEndpoint({ pattern: LOCAL_PATTERN, identity: key, policy, now: 0 });
  const answered = (wallMs: number): boolean => {
    const { body } = writeInitiation({
      pattern: LOCAL_PATTERN,
      kind: CredentialKind.LOCAL,
      credentialId: Buffer.alloc(16),
      psk: key,
      senderIndex: randomBytes(4).readUInt32BE(0) || 1,
      timestamp: tai64n(wallMs),
      deviceName: 'relay',
    });
    server.receive(new CookieGenerator(key).seal(body, 0), { address: '127.0.0.1', port: 40000 }, 0);
    return server.flush(0).some((d) => d.data[0] === 2);
  };
  const noon = Date.parse('2026-11-25T12:00:00Z');
  expect(answered(noon)).toBe(true);
  expect(answered(noon - 3_600_000)).toBe(true); // an hour earlier: NTP stepped the clock back
  expect(server.drops.replayedInitiation).toBe(0);
});

test('programs of one device dialling within one timestamp granule: each handshake is answered, none cancels another; a replay still is not', () => {
  const relayStatic = generateX25519KeyPair();
  const device = generateX25519KeyPair();
  const id = randomBytes(16);
  const psk = randomBytes(32);
  const policy: ResponderPolicy = {
    pskFor: (kind, credentialId) => (kind === CredentialKind.RESUMPTION && credentialId.equals(id) ? psk : undefined),
    admit: () => ({ resumptionId: id }),
    confirmed: () => undefined,
  };
  const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
  const cookies = new CookieGenerator(relayStatic.publicKey);
  const granule = tai64n(Date.parse('2026-11-25T12:00:00Z')); // the same whitened timestamp for all six
  const initiation = () =>
    cookies.seal(
      writeInitiation({
        pattern: CLIENT_PATTERN,
        kind: CredentialKind.RESUMPTION,
        credentialId: id,
        psk,
        senderIndex: randomBytes(4).readUInt32BE(0) || 1,
        timestamp: granule,
        deviceName: 'laptop',
        localStatic: device,
        remoteStatic: relayStatic.publicKey,
      }).body,
      0,
    );
  const from = (i: number): Address => ({ address: '192.0.2.7', port: 40000 + i });
  const six = Array.from({ length: 6 }, () => initiation());
  six.forEach((d, i) => relay.receive(d, from(i), 1));
  const answered = relay.flush(1).filter((d) => d.data[0] === 2);
  expect(answered.map((d) => d.to.port).sort()).toEqual([40000, 40001, 40002, 40003, 40004, 40005]);
  expect(relay.drops.replayedInitiation).toBe(0);
  // All six are still waiting for their first data packet: none was dropped for a later one.
  expect(relay.halfOpenCount).toBe(6);
  // The exact same message again (a replay) is refused, whichever program's it was.
  relay.receive(six[2], from(9), 2);
  expect(relay.flush(2).filter((d) => d.data[0] === 2)).toHaveLength(0);
  expect(relay.drops.replayedInitiation).toBe(1);
});
