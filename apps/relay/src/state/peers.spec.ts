import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprint } from './identity';
import { PeerStore, RESUMPTION_CREDENTIALS_KEPT, type Peer } from './peers';

describe('PeerStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-peers-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  interface OnDisk {
    v: number;
    peers: { deviceName: string; lastSeen: number; credentials: { id: string }[]; resumptionId: string; resumptionPsk: string }[];
  }
  const onDisk = (): OnDisk => JSON.parse(readFileSync(path.join(dir, 'peers.json'), 'utf8')) as OnDisk;
  const addDevice = (store: PeerStore, name: string, now = 1) => {
    const id = randomBytes(16);
    return { peer: store.add(name, randomBytes(32), id, randomBytes(32), now), id };
  };
  const ids = (peer: Peer) => peer.credentials.map((c) => c.id);
  const b64url = (b: Buffer) => b.toString('base64url');

  test('a revocation is final on disk, whatever reconnects were being recorded when it happened', () => {
    const store = new PeerStore(dir);
    const { peer: stolen, id } = addDevice(store, 'stolen');
    store.rotate(stolen, id, randomBytes(16), randomBytes(32), 2);
    store.remove([stolen]);
    expect(onDisk().peers.map((p) => p.deviceName)).not.toContain('stolen');
    expect(new PeerStore(dir).list()).toHaveLength(0);
  });

  test('a new device is on disk as soon as add returns', () => {
    const store = new PeerStore(dir);
    addDevice(store, 'laptop');
    expect(onDisk().peers.map((p) => p.deviceName)).toEqual(['laptop']);
  });

  test('each rotation is on disk when rotate returns; the newest credentials stay valid, each with its own PSK, the oldest are dropped', () => {
    const store = new PeerStore(dir);
    const { peer, id: first } = addDevice(store, 'laptop');
    const issued = [first];
    const psks = new Map<string, Buffer>();
    for (let i = 1; i <= RESUMPTION_CREDENTIALS_KEPT + 1; i++) {
      const id = randomBytes(16);
      const psk = randomBytes(32);
      psks.set(b64url(id), psk);
      store.rotate(peer, issued[issued.length - 1], id, psk, 10 + i); // each handshake uses the newest
      issued.push(id);
      expect(onDisk().peers[0].credentials.map((c) => c.id)).toEqual(ids(peer));
      expect(onDisk().peers[0].lastSeen).toBe(10 + i);
    }
    const kept = issued.slice(-RESUMPTION_CREDENTIALS_KEPT);
    expect(ids(peer)).toEqual(kept.map(b64url));
    for (const id of kept.slice(1)) expect(store.byResumptionId(id)?.psk).toEqual(psks.get(b64url(id)));
    for (const id of issued.slice(0, -RESUMPTION_CREDENTIALS_KEPT)) expect(store.byResumptionId(id)).toBeUndefined();
    // After a restart too.
    const again = new PeerStore(dir);
    for (const id of kept) expect(again.byResumptionId(id)?.peer.deviceName).toBe('laptop');
    expect(again.byResumptionId(issued[0])).toBeUndefined();
    expect(again.list()).toHaveLength(1);
  });

  test('a credential that keeps being used is never dropped, however many new ones its holder failed to save', () => {
    const store = new PeerStore(dir);
    const { peer, id } = addDevice(store, 'laptop');
    for (let i = 0; i < 3 * RESUMPTION_CREDENTIALS_KEPT; i++) store.rotate(peer, id, randomBytes(16), randomBytes(32), 2 + i);
    expect(store.byResumptionId(id)?.peer).toBe(peer);
    expect(peer.credentials).toHaveLength(RESUMPTION_CREDENTIALS_KEPT);
  });

  test('a write that fails changes nothing and says so', () => {
    const store = new PeerStore(dir);
    const { peer, id } = addDevice(store, 'laptop');
    const before = ids(peer);
    rmSync(dir, { recursive: true, force: true }); // the folder vanished under the relay
    const next = randomBytes(16);
    expect(() => store.rotate(peer, id, next, randomBytes(32), 5)).toThrow(/ENOENT/);
    expect(ids(peer)).toEqual(before);
    expect(store.byResumptionId(next)).toBeUndefined();
    expect(store.byResumptionId(id)?.peer).toBe(peer);
    expect(() => store.add('phone', randomBytes(32), randomBytes(16), randomBytes(32), 6)).toThrow(/ENOENT/);
    expect(store.list().map((p) => p.deviceName)).toEqual(['laptop']);
  });

  test('a device that loads a new .sec starts over: its old credentials die, the record stays one', () => {
    const store = new PeerStore(dir);
    const key = randomBytes(32);
    const oldId = randomBytes(16);
    const old = store.add('laptop', key, oldId, randomBytes(32), 1);
    const fresh = store.add('laptop', key, randomBytes(16), randomBytes(32), 2);
    expect(store.isCurrent(old)).toBe(false);
    expect(store.isCurrent(fresh)).toBe(true);
    expect(store.byResumptionId(oldId)).toBeUndefined();
    expect(store.list()).toEqual([fresh]);
  });

  test('peers.json from before rotation (v1, one credential per device) loads with every device and its credential', () => {
    const devices = ['laptop', 'phone', 'server'].map((name, i) => {
      const key = randomBytes(32);
      return {
        deviceName: name,
        fingerprint: fingerprint(key),
        publicKey: key.toString('base64'),
        resumptionId: randomBytes(16).toString('base64url'),
        resumptionPsk: randomBytes(32).toString('base64'),
        firstSeen: 100 + i,
        lastSeen: 200 + i,
      };
    });
    // Exactly what the relay wrote before rotation.
    writeFileSync(path.join(dir, 'peers.json'), JSON.stringify({ v: 1, peers: devices }, null, 2) + '\n');
    const store = new PeerStore(dir);
    expect(store.list().map((p) => [p.deviceName, p.fingerprint, p.firstSeen, p.lastSeen])).toEqual(
      [...devices].reverse().map((d) => [d.deviceName, d.fingerprint, d.firstSeen, d.lastSeen]),
    );
    for (const d of devices) {
      const found = store.byResumptionId(Buffer.from(d.resumptionId, 'base64url'));
      expect(found?.peer.publicKey).toBe(d.publicKey);
      expect(found?.psk.toString('base64')).toBe(d.resumptionPsk);
    }
    expect(store.match('phone')).toHaveLength(1);
    // The first rotation writes the new format; the old credential stays valid beside the new one.
    const laptop = store.match('laptop')[0];
    const newId = randomBytes(16);
    store.rotate(laptop, Buffer.from(devices[0].resumptionId, 'base64url'), newId, randomBytes(32), 300);
    const written = onDisk();
    expect(written.v).toBe(2);
    expect(written.peers).toHaveLength(3);
    // Each device's newest credential is also where a v1 relay looks for it (a rolled-back relay keeps its devices).
    const laptopOnDisk = written.peers.find((p) => p.deviceName === 'laptop');
    expect(laptopOnDisk?.resumptionId).toBe(b64url(newId));
    const again = new PeerStore(dir);
    expect(again.byResumptionId(Buffer.from(devices[0].resumptionId, 'base64url'))?.peer.deviceName).toBe('laptop');
    expect(again.byResumptionId(newId)?.peer.deviceName).toBe('laptop');
    expect(again.byResumptionId(Buffer.from(devices[2].resumptionId, 'base64url'))?.peer.deviceName).toBe('server');
  });

  test('a v2 file that a rolled-back (v1) relay rewrote is read as v1: its stale credential lists are ignored', () => {
    const store = new PeerStore(dir);
    const { peer, id } = addDevice(store, 'laptop');
    store.rotate(peer, id, randomBytes(16), randomBytes(32), 2);
    const file = onDisk();
    // The v1 relay kept the record as it found it, changed the credential in its own field and wrote v: 1.
    const current = randomBytes(16).toString('base64url');
    writeFileSync(path.join(dir, 'peers.json'), JSON.stringify({ v: 1, peers: [{ ...file.peers[0], resumptionId: current }] }));
    const again = new PeerStore(dir);
    expect(again.byResumptionId(Buffer.from(current, 'base64url'))?.peer.deviceName).toBe('laptop');
    expect(again.byResumptionId(id)).toBeUndefined();
  });
});

describe('PeerStore with a damaged file', () => {
  test('says which file is damaged without quoting it (it holds PSKs)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-peers-'));
    try {
      const secret = 'c2VjcmV0LXBzay1ieXRlcy1zZWNyZXQtcHNr';
      const key = randomBytes(32).toString('base64');
      const file = path.join(dir, 'peers.json');
      const device = { deviceName: 'laptop', publicKey: key, firstSeen: 1, lastSeen: 1 };
      for (const damaged of [
        `{"v":1,"peers":[{"resumptionPsk":${secret}}]}`,
        `{"v":1,"psk":"${secret}"}`,
        JSON.stringify({ v: 1, peers: [{ ...device, resumptionPsk: secret }] }), // no id
        JSON.stringify({ v: 2, peers: [{ ...device, credentials: [{ id: 'short', psk: secret, issuedAt: 1 }] }] }),
        JSON.stringify({ v: 2, peers: [{ ...device, credentials: [] }] }),
        JSON.stringify({ v: 2, peers: [null] }),
        JSON.stringify({ v: 9, peers: [{ psk: secret }] }),
      ]) {
        writeFileSync(file, damaged);
        let message = '';
        try {
          new PeerStore(dir);
        } catch (err) {
          message = (err as Error).message;
        }
        expect(message).toMatch(/peers\.json is damaged/);
        expect(message).not.toContain(secret.slice(0, 8));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
