import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PeerStore } from './peers';

describe('PeerStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-peers-'));
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  const onDisk = (): { deviceName: string; lastSeen: number }[] =>
    (JSON.parse(readFileSync(path.join(dir, 'peers.json'), 'utf8')) as { peers: { deviceName: string; lastSeen: number }[] }).peers;
  const addDevice = (store: PeerStore, name: string, now = 1) => store.add(name, randomBytes(32), randomBytes(16), randomBytes(32), now);

  test('a revocation is final on disk, whatever reconnects were being recorded when it happened', async () => {
    // The old store wrote lastSeen in the background; a revoke landing while that write was in flight
    // was overwritten by the older snapshot, and the revoked device was back after a restart.
    for (let ticks = 0; ticks < 8; ticks++) {
      const store = new PeerStore(dir);
      const stolen = addDevice(store, `stolen-${ticks}`);
      store.touch(stolen, 2);
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      store.remove([stolen]);
      await store.flushed();
      expect(onDisk().map((p) => p.deviceName)).not.toContain(`stolen-${ticks}`);
      expect(new PeerStore(dir).list().map((p) => p.deviceName)).not.toContain(`stolen-${ticks}`);
    }
  });

  test('a new device is on disk as soon as add returns', () => {
    const store = new PeerStore(dir);
    addDevice(store, 'laptop');
    expect(onDisk().map((p) => p.deviceName)).toEqual(['laptop']);
  });

  test('lastSeen updates are coalesced into one later write, and flushed() writes them at once', async () => {
    jest.useFakeTimers();
    const store = new PeerStore(dir);
    const laptop = addDevice(store, 'laptop', 1);
    store.touch(laptop, 5);
    store.touch(laptop, 9);
    expect(onDisk()[0].lastSeen).toBe(1); // not yet: reconnects do not each cost an fsync
    jest.advanceTimersByTime(1_000);
    expect(onDisk()[0].lastSeen).toBe(9);
    store.touch(laptop, 12);
    await store.flushed();
    expect(onDisk()[0].lastSeen).toBe(12);
  });

  test('a failed background write is reported, not thrown into the event loop', () => {
    jest.useFakeTimers();
    const store = new PeerStore(dir);
    const laptop = addDevice(store, 'laptop');
    const errors: Error[] = [];
    store.onError = (err) => errors.push(err);
    rmSync(dir, { recursive: true, force: true }); // the folder vanished under the relay
    store.touch(laptop, 2);
    jest.advanceTimersByTime(1_000);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/ENOENT/);
  });
});

describe('PeerStore with a damaged file', () => {
  test('says which file is damaged without quoting it (it holds PSKs)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-peers-'));
    try {
      const secret = 'c2VjcmV0LXBzay1ieXRlcy1zZWNyZXQtcHNr';
      const file = path.join(dir, 'peers.json');
      for (const damaged of [`{"v":1,"peers":[{"resumptionPsk":${secret}}]}`, `{"v":1,"psk":"${secret}"}`]) {
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
