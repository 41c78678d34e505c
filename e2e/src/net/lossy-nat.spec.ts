import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { netDescribe } from './support/gate';
import { NetSystem } from './support/net-system';
import { note } from './support/wait';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

netDescribe('20 % random loss each way at the NAT', () => {
  let sys: NetSystem | undefined;
  beforeAll(async () => {
    sys = await NetSystem.start();
    sys.net.setLoss(0.2);
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  });

  test('the first handshake (the .sec ticket), later resumptions and chat all complete', async () => {
    const s = sys as NetSystem;
    const texts = ['first through the lossy nat', 'second through the lossy nat', 'third through the lossy nat'];
    for (const [i, text] of texts.entries()) {
      const r = await s.cli(i === 0 ? ['send', '--sec', s.secFile, text] : ['send', text], { timeoutMs: 90_000 });
      note(`chat ${i + 1} at 20 % loss: ${r.ms} ms`);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`You said: ${text}`);
    }
    // The loss was real: the rule dropped packets of these very exchanges.
    expect(s.net.lossDropped()).toBeGreaterThan(0);
  }, 200_000);

  test('a 2 MiB download completes byte-identical', async () => {
    const s = sys as NetSystem;
    const dropsBefore = s.net.lossDropped();
    const before = await s.status();
    const blob = randomBytes(2 * 1024 * 1024);
    writeFileSync(path.join(s.dirs.files, 'lossy.bin'), blob);
    // A device of its own with a freshly issued ticket: this test does not depend on the one above.
    const r = await s.cli(['files', 'get', '--sec', await s.issueSec(), 'lossy.bin'], { device: 'phone', timeoutMs: 90_000 });
    note(`2 MiB download at 20 % loss: ${r.ms} ms, ${s.net.lossDropped() - dropsBefore} packets dropped by the rule`);
    const after = await s.status();
    note(`initiations answered for the download's session: ${after.handshakes - before.handshakes} (lost responses are retried)`);
    expect(r.code).toBe(0);
    expect(sha(readFileSync(path.join(s.dirs.downloads, 'lossy.bin')))).toBe(sha(blob));
    // About a fifth of well over a thousand packets (2 MiB in ~1.2 kB datagrams, plus acks).
    expect(s.net.lossDropped() - dropsBefore).toBeGreaterThan(200);
  }, 120_000);
});
