import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x25519PublicFromPrivate } from '@clawchat/crypto';
import { CredentialStore, clientStateDir, type StoredRelay } from './credential-store';

const relay = (key: string, savedAt: number): StoredRelay => ({
  host: 'relay.example',
  port: 50000,
  relayPublicKey: key,
  resumptionId: 'AAAAAAAAAAAAAAAAAAAAAA',
  resumptionPsk: Buffer.alloc(32, 1).toString('base64'),
  savedAt,
});

describe('CredentialStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('state dir follows XDG_STATE_HOME, else ~/.local/state', () => {
    expect(clientStateDir({ XDG_STATE_HOME: '/x/state' }, '/home/u')).toBe('/x/state/clawchat');
    expect(clientStateDir({ XDG_STATE_HOME: '' }, '/home/u')).toBe('/home/u/.local/state/clawchat');
    expect(clientStateDir({}, '/home/u')).toBe('/home/u/.local/state/clawchat');
  });

  test('the device key is created once, stored 0600 in a 0700 dir, and stays the same', async () => {
    const store = new CredentialStore(join(dir, 'clawchat'));
    const first = await store.deviceKey();
    const second = await new CredentialStore(join(dir, 'clawchat')).deviceKey();
    expect(second.privateKey.equals(first.privateKey)).toBe(true);
    expect(x25519PublicFromPrivate(first.privateKey).equals(first.publicKey)).toBe(true);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
  });

  test('two programs starting at once on a new device agree on one device key and keep both relay credentials', async () => {
    // The TUI and a headless command, each with its own store object (as in two processes).
    const a = new CredentialStore(join(dir, 'clawchat'));
    const b = new CredentialStore(join(dir, 'clawchat'));
    const [keyA, keyB] = await Promise.all([a.deviceKey(), b.deviceKey()]);
    expect(keyA.privateKey.equals(keyB.privateKey)).toBe(true);
    await Promise.all([a.saveRelay(relay('relay-one', 1)), b.saveRelay(relay('relay-two', 2))]);
    const stored = JSON.parse(readFileSync(a.file, 'utf8')) as { relays: StoredRelay[]; device: { privateKey: string } };
    expect(stored.relays.map((r) => r.relayPublicKey).sort()).toEqual(['relay-one', 'relay-two']);
    expect(Buffer.from(stored.device.privateKey, 'base64').equals(keyA.privateKey)).toBe(true);
  });

  test('relays: the latest saved comes first, one entry per relay key; erase forgets everything', async () => {
    const store = new CredentialStore(dir);
    expect(await store.latestRelay()).toBeUndefined();
    const device = await store.deviceKey();
    await store.saveRelay(relay('A', 1));
    await store.saveRelay(relay('B', 2));
    await store.saveRelay({ ...relay('A', 3), port: 50001 });
    expect(await store.latestRelay()).toMatchObject({ relayPublicKey: 'A', port: 50001 });
    const file = JSON.parse(readFileSync(store.file, 'utf8'));
    expect(file.relays.map((r: StoredRelay) => r.relayPublicKey)).toEqual(['A', 'B']);
    expect((await store.deviceKey()).privateKey.equals(device.privateKey)).toBe(true); // saving relays keeps the key
    await store.erase();
    await store.erase(); // already gone is fine
    expect(await store.latestRelay()).toBeUndefined();
    expect((await store.deviceKey()).privateKey.equals(device.privateKey)).toBe(false);
  });

  test('the .sec history lives beside the credentials (0600), survives a revocation, and never blocks when damaged', async () => {
    const store = new CredentialStore(join(dir, 'clawchat'));
    expect(await store.secHistory()).toEqual({ secs: [], retiredRelays: [] });
    await store.saveRelay(relay('A', 1));
    const used = { digest: 'd1', ticketId: 't1', relayPublicKey: 'A', outcome: 'used' as const, at: 5, expiresAt: Date.now() };
    // Two processes remembering at once (the TUI and a headless command) both land.
    await Promise.all([store.rememberSec(used), new CredentialStore(join(dir, 'clawchat')).rememberRetiredRelay('OLD')]);
    expect(statSync(store.historyFile).mode & 0o777).toBe(0o600);
    expect(await store.relayFor('A')).toMatchObject({ relayPublicKey: 'A' });
    expect(await store.relayFor('B')).toBeUndefined();
    await store.erase();
    expect(await store.relayFor('A')).toBeUndefined();
    const after = await store.secHistory();
    expect(after.secs).toEqual([used]);
    expect(after.retiredRelays.map((r) => r.relayPublicKey)).toEqual(['OLD']);
    writeFileSync(store.historyFile, '{"version": 1, "secs": [');
    expect(await store.secHistory()).toEqual({ secs: [], retiredRelays: [] });
    await store.rememberSec(used); // and a damaged file is simply replaced
    expect((await store.secHistory()).secs).toEqual([used]);
  });

  test('a damaged file is a one-line CREDENTIAL error naming the file', async () => {
    mkdirSync(dir, { recursive: true });
    const store = new CredentialStore(dir);
    writeFileSync(store.file, '{"version": 1, "relays": [');
    await expect(store.latestRelay()).rejects.toMatchObject({ kind: 'CREDENTIAL', message: expect.stringContaining(store.file) });
    writeFileSync(store.file, JSON.stringify({ version: 9, relays: [] }));
    await expect(store.deviceKey()).rejects.toMatchObject({ kind: 'CREDENTIAL' });
  });
});
