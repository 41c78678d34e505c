import path from 'node:path';
import { MiB, sha256OfFile, writeRandomFile } from './support/files';
import { netDescribe } from './support/gate';
import { NetSystem } from './support/net-system';
import { ADDR, NAT_PORTS } from './support/topology';
import { note, sizeOf, waitUntil } from './support/wait';

const SIZE = 100 * MiB;

const inRange = (port: number, range: string) => {
  const [lo, hi] = range.split('-').map(Number);
  return port >= lo && port <= hi;
};

netDescribe('the NAT renumbers its mapping in the middle of a session', () => {
  let sys: NetSystem | undefined;
  beforeAll(async () => {
    sys = await NetSystem.start();
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  });

  test('a 100 MiB download carries on byte-identical over the new mapping, with no new handshake', async () => {
    const s = sys as NetSystem;
    const first = await s.cli(['send', '--sec', s.secFile, 'hello']);
    expect(first.code).toBe(0);
    const expected = writeRandomFile(path.join(s.dirs.files, 'big.bin'), SIZE);
    const before = await s.status();
    const connectsBefore = s.relay?.output.match(/connected from/g)?.length ?? 0;

    const download = await s.cliStart(['files', 'get', 'big.bin'], { timeoutMs: 150_000 });
    const part = path.join(s.dirs.downloads, 'big.bin.clawchat-part');
    const detail = () => `part file at ${sizeOf(part)} bytes; client: ${download.output() || '(nothing yet)'}\n${s.logTail()}`;
    await waitUntil(() => sizeOf(part) >= SIZE / 4, 60_000, 'a quarter of the download', { detail });
    const oldPorts = s.net.natPorts(s.relayPort);
    expect(oldPorts.length).toBeGreaterThan(0);
    for (const p of oldPorts) expect(inRange(p, NAT_PORTS.first)).toBe(true);

    // The router renumbers: a new public port range, and every existing mapping forgotten.
    s.net.setMasquerade(NAT_PORTS.second);
    s.net.flushConntrack();
    const changedAt = Date.now();
    const atChange = sizeOf(part);
    expect(atChange).toBeLessThan(SIZE); // still mid-transfer
    await waitUntil(() => sizeOf(part) > atChange + MiB, 30_000, 'the download moving again after the NAT change', { detail });
    note(`download moving again ${Date.now() - changedAt} ms after the NAT change (at ${(atChange / MiB).toFixed(1)} MiB)`);

    const result = await download.done;
    note(`100 MiB download took ${result.ms} ms; relay: ${(s.relay?.output ?? '').split('\n').filter((l) => /moved|connected from|ended/.test(l)).join(' | ')}`);
    if (result.code !== 0) throw new Error(`download failed (${result.code}): ${result.stderr}\n${s.logTail()}`);
    expect(result.stderr).toBe('');
    expect(await sha256OfFile(path.join(s.dirs.downloads, 'big.bin'))).toBe(expected);

    // One handshake for the whole download: the session moved, it did not reconnect.
    const after = await s.status();
    expect(after.handshakes - before.handshakes).toBe(1);
    const relayLog = s.relay?.output ?? '';
    const nat = ADDR.natWan.replace(/\./g, '\\.');
    const moved = new RegExp(`moved from ${nat}:(\\d+) to ${nat}:(\\d+)`).exec(relayLog);
    expect(moved).not.toBeNull();
    expect(inRange(Number(moved?.[1]), NAT_PORTS.first)).toBe(true);
    expect(inRange(Number(moved?.[2]), NAT_PORTS.second)).toBe(true);
    expect(relayLog.match(/connected from/g)?.length).toBe(connectsBefore + 1);
  }, 180_000);
});
