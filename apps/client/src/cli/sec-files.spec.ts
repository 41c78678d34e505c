import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBootstrapKey, writeSecFile, type SecBody } from '@clawchat/security-file';
import { emptySecHistory, secDigest, withSecRecord } from '../connection/sec-history';
import { findSecFiles, pickerOrder, secSearchDirs } from './sec-files';

const body = (expiresAt: number): SecBody => ({
  v: 1,
  relays: [{ host: '127.0.0.1', port: 50000 }],
  relayPublicKey: Buffer.alloc(32, 1).toString('base64'),
  ticketId: Buffer.alloc(16, 2).toString('base64url'),
  psk: Buffer.alloc(32, 3).toString('base64'),
  issuedAt: expiresAt - 660_000,
  expiresAt,
  protocol: 1,
});

describe('.sec discovery', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-secs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('search order: CLAWCHAT_SECURITY_DIR (default ./security), the current folder, ~/Downloads', () => {
    expect(secSearchDirs({ CLAWCHAT_SECURITY_DIR: '/s' }, '/w', '/h')).toEqual(['/s', '/w', '/h/Downloads']);
    expect(secSearchDirs({}, '/w', '/h')).toEqual(['/w/security', '/w', '/h/Downloads']);
    // Under npm run: the relay's ./security is in the package root, "the current folder" is the user's.
    expect(secSearchDirs({}, '/repo', '/h', '/h/ux')).toEqual(['/repo/security', '/h/ux', '/h/Downloads']);
    expect(secSearchDirs({ CLAWCHAT_SECURITY_DIR: '~/sec' }, '/w', '/h')).toEqual(['/h/sec', '/w', '/h/Downloads']);
  });

  test('newest first across folders, expiry from the clear header, unreadable files flagged', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const key = generateBootstrapKey();
    await writeSecFile(join(a, 'old.sec'), body(1_000_000), key);
    await writeSecFile(join(b, 'new.sec'), body(2_000_000), key);
    writeFileSync(join(b, 'junk.sec'), 'not a sec');
    writeFileSync(join(b, 'notes.txt'), 'ignored');
    utimesSync(join(a, 'old.sec'), 100, 100);
    utimesSync(join(b, 'junk.sec'), 200, 200);
    utimesSync(join(b, 'new.sec'), 300, 300);
    const found = await findSecFiles([a, b, join(dir, 'missing')]);
    expect(found.map((f) => f.path)).toEqual([join(b, 'new.sec'), join(b, 'junk.sec'), join(a, 'old.sec')]);
    expect(found[0].expiresAt).toBe(2_000_000);
    expect(found[1].problem).toMatch(/junk\.sec/);
    expect(found[2].expiresAt).toBe(1_000_000);
  });

  test('a file this device used is recognised by its bytes (a copy too, without the key); usable files come first', async () => {
    const key = generateBootstrapKey();
    const now = 5_000_000;
    await writeSecFile(join(dir, 'used.sec'), body(now + 600_000), key);
    writeFileSync(join(dir, 'copy-of-used.sec'), readFileSync(join(dir, 'used.sec')));
    await writeSecFile(join(dir, 'fresh.sec'), body(now + 600_000), key);
    await writeSecFile(join(dir, 'stale.sec'), body(now - 60_000), key);
    writeFileSync(join(dir, 'big.sec'), Buffer.alloc(2 * 1024 * 1024));
    utimesSync(join(dir, 'fresh.sec'), 100, 100); // the oldest of all, yet the one that can connect
    utimesSync(join(dir, 'used.sec'), 200, 200);
    utimesSync(join(dir, 'copy-of-used.sec'), 300, 300);
    utimesSync(join(dir, 'stale.sec'), 400, 400);
    utimesSync(join(dir, 'big.sec'), 500, 500);
    const used = { digest: secDigest(readFileSync(join(dir, 'used.sec'))), ticketId: 't', relayPublicKey: 'K', outcome: 'used' as const, at: now - 1000, expiresAt: now + 600_000 };
    const found = await findSecFiles([dir], withSecRecord(emptySecHistory(), used, now));
    expect(found.find((f) => f.path.endsWith('/used.sec'))?.record).toEqual(used);
    expect(found.find((f) => f.path.endsWith('/copy-of-used.sec'))?.record).toEqual(used);
    expect(found.find((f) => f.path.endsWith('/fresh.sec'))?.record).toBeUndefined();
    expect(found.find((f) => f.path.endsWith('/big.sec'))?.problem).toMatch(/too large/);
    expect(pickerOrder(found, now).map((f) => f.path.slice(dir.length + 1))).toEqual(['fresh.sec', 'big.sec', 'stale.sec', 'copy-of-used.sec', 'used.sec']);
  });
});
