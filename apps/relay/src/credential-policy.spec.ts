import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { CloseCode, CredentialKind, type PeerHello, type SecureSession } from '@clawchat/protocol';
import { generateBootstrapKey } from '@clawchat/security-file';
import { CredentialPolicy, type ConfirmedPeer } from './credential-policy';
import { createLogger } from './log';
import { PeerStore } from './state/peers';
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
    policy = new CredentialPolicy(tickets, peers, log, (c) => confirmed.push(c));
  });
  afterEach(async () => {
    tickets.stop();
    // Consuming a ticket and adding a peer write their files in the background: let them land first,
    // or the folder can gain a temp file while it is being removed (ENOTEMPTY).
    await Promise.all([tickets.flushed(), peers.flushed()]);
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
    await peers.flushed();
    const again = new PeerStore(dir);
    const [p] = again.list();
    expect(p.deviceName).toBe('phone');
    expect(again.match('phone')).toHaveLength(1);
    expect(again.match(p.fingerprint.slice(0, 9))).toHaveLength(1);
    expect(again.match('nobody')).toHaveLength(0);
    again.remove(again.match('phone'));
    await again.flushed();
    expect(new PeerStore(dir).list()).toHaveLength(0);
  });
});
