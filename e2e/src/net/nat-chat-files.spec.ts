import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { netDescribe } from './support/gate';
import { NetSystem } from './support/net-system';
import { ADDR } from './support/topology';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

netDescribe('client behind a masquerading NAT', () => {
  let sys: NetSystem | undefined;
  beforeAll(async () => {
    sys = await NetSystem.start();
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  });

  test('chat and a 5 MiB upload and download work, and the relay only ever sees the NAT’s public address', async () => {
    const s = sys as NetSystem;
    const chat = await s.cli(['send', '--sec', s.secFile, 'hello from behind the nat']);
    expect(chat.stderr).toBe('');
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain('You said: hello from behind the nat');

    const blob = randomBytes(5 * 1024 * 1024);
    writeFileSync(path.join(s.dirs.downloads, 'up.bin'), blob);
    const put = await s.cli(['files', 'put', 'up.bin', 'stored.bin']);
    expect(put.code).toBe(0);
    expect(sha(readFileSync(path.join(s.dirs.files, 'stored.bin')))).toBe(sha(blob));
    const get = await s.cli(['files', 'get', 'stored.bin', 'back.bin']);
    expect(get.code).toBe(0);
    expect(sha(readFileSync(path.join(s.dirs.downloads, 'back.bin')))).toBe(sha(blob));

    // Every session came from the NAT's wan address, from a port of its masquerade range.
    const from = [...(s.relay?.output ?? '').matchAll(/connected from ([\d.]+):(\d+)/g)];
    expect(from.length).toBeGreaterThanOrEqual(3); // chat, put, get
    for (const [, host, port] of from) {
      expect(host).toBe(ADDR.natWan);
      expect(Number(port)).toBeGreaterThanOrEqual(40000);
      expect(Number(port)).toBeLessThanOrEqual(40999);
    }
  }, 120_000);
});
