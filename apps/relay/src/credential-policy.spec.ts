import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { CloseCode, CredentialKind, type PeerHello, type SecureSession } from '@clawchat/protocol';
import { generateBootstrapKey } from '@clawchat/security-file';
import { CredentialPolicy, type ConfirmedPeer } from './credential-policy';
import { createLogger } from './log';
import { NEWEST_UNSAVED_GRACE_MS, PeerStore, RESUMPTION_CREDENTIALS_KEPT } from './state/peers';
import { TicketBook } from './state/tickets';

describe('CredentialPolicy', () => {
  let dir: string;
  let clock: number;
  let tickets: TicketBook;
  let peers: PeerStore;
  let confirmed: ConfirmedPeer[];
  let policy: CredentialPolicy;
  const log = createLogger('test', { write: () => undefined });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'relay-policy-'));
    clock = Date.parse('2026-11-25T12:00:00Z');
    tickets = new TicketBook({
      securityDir: dir,
      bootstrapKey: generateBootstrapKey(),
      relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
      endpoints: [{ host: '127.0.0.1', port: 50000 }],
      log,
      now: () => clock,
    });
    await tickets.start();
    peers = new PeerStore(dir);
    confirmed = [];
    policy = new CredentialPolicy(tickets, peers, log, (c) => confirmed.push(c), () => clock);
  });
  afterEach(async () => {
    tickets.stop();
    // Consuming a ticket writes its file in the background: let it land first, or the folder can gain
    // a temp file while it is being removed (ENOTEMPTY).
    await tickets.flushed();
    rmSync(dir, { recursive: true, force: true });
  });

  const state = () => JSON.parse(readFileSync(path.join(dir, 'tickets.json'), 'utf8')) as { currentTicketId: string };
  const hello = (kind: number, credentialId: Buffer, key: Buffer, deviceName = 'laptop'): PeerHello => ({
    kind,
    credentialId,
    remoteStatic: key,
    deviceName,
    from: { address: '127.0.0.1', port: 1 },
  });
  const fakeSession = {} as SecureSession;

  test('a fresh ticket admits one device, is consumed on confirmation, and yields a resumption credential', () => {
    const id = Buffer.from(state().currentTicketId, 'base64url');
    const device = generateX25519KeyPair().publicKey;
    expect(policy.pskFor(CredentialKind.TICKET, id)).toHaveLength(32);
    const h = hello(CredentialKind.TICKET, id, device);
    const admission = policy.admit(h);
    expect(admission?.refuse).toBeUndefined();
    // A retransmitted initiation is admitted again: nothing is burnt before the PSK is proven.
    expect(policy.admit(hello(CredentialKind.TICKET, id, device))?.refuse).toBeUndefined();
    // A stranger who saw the ticket id in clear cannot block it either (admit binds nothing)...
    const stranger = hello(CredentialKind.TICKET, id, generateX25519KeyPair().publicKey);
    expect(policy.admit(stranger)?.refuse).toBeUndefined();
    expect(policy.confirmed(fakeSession, h, Buffer.alloc(32, 7))).toBeUndefined();
    // ...and a second device whose handshake completes after the first one's is refused as "used".
    expect(policy.confirmed(fakeSession, stranger, Buffer.alloc(32, 8))).toEqual({ refuse: expect.objectContaining({ code: CloseCode.TICKET_USED }) });
    expect(confirmed).toHaveLength(1);
    expect(peers.list()).toHaveLength(1);
    // Consumed: the same ticket again is refused with its own reason.
    expect(policy.admit(hello(CredentialKind.TICKET, id, device))?.refuse?.code).toBe(CloseCode.TICKET_USED);
    // Resumption works with the promised id and only for the same device key.
    const rid = admission?.resumptionId as Buffer;
    expect(policy.pskFor(CredentialKind.RESUMPTION, rid)).toEqual(Buffer.alloc(32, 7));
    expect(policy.admit(hello(CredentialKind.RESUMPTION, rid, device))).toBeDefined();
    expect(policy.admit(hello(CredentialKind.RESUMPTION, rid, generateX25519KeyPair().publicKey))).toBeUndefined();
  });

  describe('resumption credentials rotate', () => {
    let device: Buffer;
    let first: Buffer;
    let psk = 0;
    /** A ticket handshake: the device's first credential. */
    beforeEach(() => {
      device = generateX25519KeyPair().publicKey;
      const h = hello(CredentialKind.TICKET, Buffer.from(state().currentTicketId, 'base64url'), device);
      first = policy.admit(h)?.resumptionId as Buffer;
      expect(policy.confirmed(fakeSession, h, Buffer.alloc(32, ++psk))).toBeUndefined();
    });

    /** A resumption handshake with `id`, up to its response: the id it promises. */
    const admitWith = (id: Buffer, key = device) => {
      const h = hello(CredentialKind.RESUMPTION, id, key);
      const admission = policy.admit(h);
      return { h, next: admission?.resumptionId };
    };
    /** The whole handshake: admitted, then confirmed with a fresh PSK. Returns the new credential. */
    const resume = (id: Buffer) => {
      const { h, next } = admitWith(id);
      expect(next).toBeDefined();
      const newPsk = Buffer.alloc(32, ++psk);
      expect(policy.confirmed(fakeSession, h, newPsk)).toBeUndefined();
      return { id: next as Buffer, psk: newPsk };
    };
    /** Would a resumption with `id` from this device be admitted? (Looked up without admit(), which may promise a rotation.) */
    const admitted = (id: Buffer) => policy.pskFor(CredentialKind.RESUMPTION, id) !== undefined && peers.byResumptionId(id)?.peer.publicKey === device.toString('base64');

    test('a resumption with the newest credential hands out a new random id, bound to the PSK of that handshake once confirmed', () => {
      const { h, next } = admitWith(first);
      expect(next).toHaveLength(16);
      expect(next?.equals(first)).toBe(false);
      // Promised, not yet valid: message 1 does not prove the PSK, so nothing is recorded before confirmation.
      expect(policy.pskFor(CredentialKind.RESUMPTION, next as Buffer)).toBeUndefined();
      expect(policy.confirmed(fakeSession, h, Buffer.alloc(32, 42))).toBeUndefined();
      expect(policy.pskFor(CredentialKind.RESUMPTION, next as Buffer)).toEqual(Buffer.alloc(32, 42));
      expect(confirmed.at(-1)?.peer.deviceName).toBe('laptop');
      // Recorded on disk before confirmed() returned, i.e. before the relay sends the client anything.
      expect(new PeerStore(dir).byResumptionId(next as Buffer)?.psk).toEqual(Buffer.alloc(32, 42));
      // Each resumption gets yet another id: nothing on the wire repeats from one session to the next.
      const seen = new Set([first.toString('hex'), (next as Buffer).toString('hex')]);
      let id = next as Buffer;
      for (let i = 0; i < 5; i++) {
        id = resume(id).id;
        seen.add(id.toString('hex'));
      }
      expect(seen.size).toBe(7);
    });

    test('older ids within the kept window are still admitted, with their own PSK; older ones are refused', () => {
      const chain = [{ id: first, psk: Buffer.alloc(32, psk) }];
      for (let i = 0; i < RESUMPTION_CREDENTIALS_KEPT; i++) chain.push(resume(chain[chain.length - 1].id));
      // Four rotations after the ticket: the newest four are valid, the first is gone.
      for (const c of chain.slice(-RESUMPTION_CREDENTIALS_KEPT)) {
        expect(policy.pskFor(CredentialKind.RESUMPTION, c.id)).toEqual(c.psk);
        expect(admitted(c.id)).toBe(true);
      }
      expect(policy.pskFor(CredentialKind.RESUMPTION, first)).toBeUndefined();
      expect(policy.admit(hello(CredentialKind.RESUMPTION, first, device))).toBeUndefined();
      // One device, whatever its ids: status lists it once.
      expect(peers.list()).toHaveLength(1);
      expect(peers.list()[0].fingerprint).toBe(confirmed[0].peer.fingerprint);
    });

    test('programs of one device resuming together from one stored credential: one rotation, every one keeps working', () => {
      // e.g. `xargs -P 6 clawchat files get`: all six read the same credential file.
      const together = Array.from({ length: 6 }, () => admitWith(first));
      const fresh = together.filter((t) => !(t.next as Buffer).equals(first));
      expect(fresh).toHaveLength(1); // the others are handed back the one they presented
      together.forEach((t, i) => expect(policy.confirmed(fakeSession, t.h, Buffer.alloc(32, 100 + i))).toBeUndefined());
      // The file gets the one new id (or keeps `first` if that program died before saving): both work.
      for (const id of [fresh[0].next as Buffer, first]) expect(admitted(id)).toBe(true);
      expect(policy.pskFor(CredentialKind.RESUMPTION, first)).toEqual(Buffer.alloc(32, psk)); // its PSK did not change
      // Round after round of it never locks the device out (each round starts from what the file holds).
      let stored = fresh[0].next as Buffer;
      for (let round = 0; round < 10; round++) {
        clock += 1_000;
        const batch = Array.from({ length: 6 }, () => admitWith(stored));
        batch.forEach((t, i) => expect(policy.confirmed(fakeSession, t.h, Buffer.alloc(32, i))).toBeUndefined());
        const winners = batch.filter((t) => !(t.next as Buffer).equals(stored));
        expect(winners).toHaveLength(1);
        stored = winners[0].next as Buffer;
        expect(admitted(stored)).toBe(true);
      }
    });

    test('a rotation promised but never confirmed frees the device again after a while', () => {
      const lost = admitWith(first); // its first data packet never arrives
      expect((lost.next as Buffer).equals(first)).toBe(false);
      expect((admitWith(first).next as Buffer).equals(first)).toBe(true); // one rotation at a time
      clock += 10_000;
      expect((admitWith(first).next as Buffer).equals(first)).toBe(false);
    });

    test('a client that never saved its new credential keeps the one it has; after a grace the device rotates from it', () => {
      const lost = resume(first).id; // handed out, but the program was killed before saving it
      expect(lost.equals(first)).toBe(false);
      // Within the grace the newest may still be on its way to the file: connects with `first` keep it.
      expect(resume(first).id.equals(first)).toBe(true);
      clock += NEWEST_UNSAVED_GRACE_MS;
      const again = resume(first).id; // long unused: the device rotates from what it holds
      expect(again.equals(first)).toBe(false);
      for (const id of [first, lost, again]) expect(admitted(id)).toBe(true);
      // A client that keeps failing to save never falls out of the window.
      for (let i = 0; i < 3 * RESUMPTION_CREDENTIALS_KEPT; i++) {
        clock += NEWEST_UNSAVED_GRACE_MS;
        resume(first);
      }
      expect(admitted(first)).toBe(true);
    });

    test('a resumption in flight while another program of the device loads a new .sec is told to reconnect, not that it was revoked', async () => {
      const inFlight = admitWith(first);
      // The TUI connects the same device with a fresh .sec (its record starts over).
      await tickets.issueOnDemand();
      const fresh = JSON.parse(readFileSync(path.join(dir, 'tickets.json'), 'utf8')) as { tickets: { ticketId: string }[] };
      const ticket = Buffer.from(fresh.tickets[fresh.tickets.length - 1].ticketId, 'base64url');
      const h = hello(CredentialKind.TICKET, ticket, device);
      const newId = policy.admit(h)?.resumptionId as Buffer;
      expect(policy.confirmed(fakeSession, h, Buffer.alloc(32, 55))).toBeUndefined();
      // REVOKED would make the script erase the credential file, and with it the TUI's new credential.
      expect(policy.confirmed(fakeSession, inFlight.h, Buffer.alloc(32, 56))).toEqual({ refuse: expect.objectContaining({ code: CloseCode.UNAVAILABLE }) });
      expect(admitted(newId)).toBe(true);
    });

    test('revoke kills every kept credential of the device, and a handshake in flight is closed as revoked', () => {
      const chain = [first];
      for (let i = 0; i < 3; i++) chain.push(resume(chain[chain.length - 1]).id);
      expect(new Set(chain.map((id) => id.toString('hex'))).size).toBe(4);
      for (const id of chain) expect(admitted(id)).toBe(true);
      const inFlight = admitWith(chain[3]);
      peers.remove(peers.match('laptop'));
      for (const id of [...chain, inFlight.next as Buffer]) {
        expect(policy.pskFor(CredentialKind.RESUMPTION, id)).toBeUndefined();
        expect(policy.admit(hello(CredentialKind.RESUMPTION, id, device))).toBeUndefined();
      }
      expect(policy.confirmed(fakeSession, inFlight.h, Buffer.alloc(32, 99))).toEqual({ refuse: expect.objectContaining({ code: CloseCode.REVOKED }) });
      const reloaded = new PeerStore(dir);
      expect(reloaded.list()).toHaveLength(0);
      for (const id of chain) expect(reloaded.byResumptionId(id)).toBeUndefined();
    });

    test('a new credential that cannot be saved is not handed out: the session is refused and the old one stays valid', () => {
      const { h, next } = admitWith(first);
      jest.spyOn(peers, 'rotate').mockImplementationOnce(() => {
        throw new Error('ENOSPC: no space left on device');
      });
      const verdict = policy.confirmed(fakeSession, h, Buffer.alloc(32, 77));
      expect(verdict).toEqual({ refuse: expect.objectContaining({ code: CloseCode.UNAVAILABLE }) });
      expect(policy.pskFor(CredentialKind.RESUMPTION, next as Buffer)).toBeUndefined();
      expect(admitted(first)).toBe(true);
    });
  });

  test('an expired ticket is refused with the expired reason, judged by the relay clock', () => {
    const id = Buffer.from(state().currentTicketId, 'base64url');
    clock += 11 * 60_000 + 1;
    const r = policy.admit(hello(CredentialKind.TICKET, id, generateX25519KeyPair().publicKey));
    expect(r?.refuse?.code).toBe(CloseCode.TICKET_EXPIRED);
    expect(r?.refuse?.reason).toMatch(/expired/);
  });

  test('revokeAll refuses outstanding tickets as revoked', async () => {
    const id = Buffer.from(state().currentTicketId, 'base64url');
    await tickets.revokeAll();
    expect(policy.admit(hello(CredentialKind.TICKET, id, generateX25519KeyPair().publicKey))?.refuse?.code).toBe(CloseCode.TICKET_REVOKED);
  });

  test('unknown credentials get no answer at all', () => {
    const key = generateX25519KeyPair().publicKey;
    expect(policy.pskFor(CredentialKind.TICKET, Buffer.alloc(16, 1))).toBeUndefined();
    expect(policy.admit(hello(CredentialKind.TICKET, Buffer.alloc(16, 1), key))).toBeUndefined();
    expect(policy.pskFor(CredentialKind.RESUMPTION, Buffer.alloc(16, 2))).toBeUndefined();
    expect(policy.pskFor(CredentialKind.LOCAL, Buffer.alloc(16))).toBeUndefined();
  });

  test('peers survive a restart and revoke matches by name or fingerprint', async () => {
    const id = Buffer.from(state().currentTicketId, 'base64url');
    const device = generateX25519KeyPair().publicKey;
    const h = hello(CredentialKind.TICKET, id, device, 'phone');
    policy.admit(h);
    policy.confirmed(fakeSession, h, Buffer.alloc(32, 1));
    const again = new PeerStore(dir);
    const [p] = again.list();
    expect(p.deviceName).toBe('phone');
    expect(again.match('phone')).toHaveLength(1);
    expect(again.match(p.fingerprint.slice(0, 9))).toHaveLength(1);
    expect(again.match('nobody')).toHaveLength(0);
    again.remove(again.match('phone'));
    expect(new PeerStore(dir).list()).toHaveLength(0);
  });
});
