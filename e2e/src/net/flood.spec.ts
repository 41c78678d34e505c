import path from 'node:path';
import { ROOT } from '../support/processes';
import { MiB, sha256OfFile, writeRandomFile } from './support/files';
import { netDescribe } from './support/gate';
import { nsRun } from './support/ns-process';
import { NetSystem, type RelayStatus } from './support/net-system';
import { ADDR } from './support/topology';
import { note, sizeOf, waitUntil } from './support/wait';

const GARBAGE = 50_000;
const SPOOFED = 5_000;
const SOURCES = 1_000;
/** Datagrams per second: 55,000 in about 5.5 s, so the flood overlaps the whole download. */
const RATE = 10_000;
/** The download must outlast the flood on any machine: it is sized from a measured warm-up download
 * to take this many times the flood's duration (flooding only slows it further). */
const OVERLAP_FACTOR = 2.5;
const WARMUP = 16 * MiB;
/** Slack for the session's own packets still in flight when it closes: counted as unknownIndex. */
const LATE_SESSION_PACKETS = 100;

const grew = (a: RelayStatus, b: RelayStatus, ...reasons: string[]) => reasons.reduce((n, r) => n + ((b.drops[r] ?? 0) - (a.drops[r] ?? 0)), 0);

netDescribe('garbage and spoofed handshake floods at the relay', () => {
  let sys: NetSystem | undefined;
  beforeAll(async () => {
    sys = await NetSystem.start();
  }, 60_000);
  afterAll(async () => {
    await sys?.stop();
  });

  test(`${GARBAGE} garbage datagrams and ${SPOOFED} spoofed initiations from ${SOURCES} addresses leave a download unaffected`, async () => {
    const s = sys as NetSystem;
    const hello = await s.cli(['send', '--sec', s.secFile, 'hello']);
    expect(hello.code).toBe(0);

    // Warm-up: this machine's download speed through the NAT, measured on the part file's growth.
    writeRandomFile(path.join(s.dirs.files, 'warmup.bin'), WARMUP);
    const warm = await s.cliStart(['files', 'get', 'warmup.bin']);
    await waitUntil(() => sizeOf(path.join(s.dirs.downloads, 'warmup.bin.clawchat-part')) >= 2 * MiB, 30_000, 'the warm-up download under way', {
      everyMs: 5,
      detail: () => `client: ${warm.output()}\n${s.logTail()}`,
    });
    const warmStart = Date.now();
    expect((await warm.done).code).toBe(0);
    const bytesPerMs = (WARMUP - 2 * MiB) / Math.max(1, Date.now() - warmStart);
    const floodMs = ((GARBAGE + SPOOFED) / RATE) * 1000;
    const SIZE = Math.min(400, Math.max(48, Math.ceil((bytesPerMs * floodMs * OVERLAP_FACTOR) / MiB))) * MiB;
    note(`warm-up ${((bytesPerMs * 1000) / MiB).toFixed(0)} MiB/s; flooded download of ${SIZE / MiB} MiB`);
    const expected = writeRandomFile(path.join(s.dirs.files, 'big.bin'), SIZE);
    const kernelBefore = s.net.udpCounters('relay');

    const download = await s.cliStart(['files', 'get', 'big.bin'], { timeoutMs: 150_000 });
    const part = path.join(s.dirs.downloads, 'big.bin.clawchat-part');
    await waitUntil(() => sizeOf(part) >= 4 * MiB, 60_000, 'the download under way', { detail: () => `client: ${download.output()}\n${s.logTail()}` });
    const before = await s.status();
    expect(before.clients).toHaveLength(1);
    const session = before.clients[0];

    const flood = await nsRun(
      s.net.ns.attacker,
      [
        path.join(ROOT, 'tools/net/flood.mjs'),
        ...['--target', `${ADDR.relay}:${s.relayPort}`, '--garbage', String(GARBAGE), '--spoofed', String(SPOOFED)],
        ...['--sources', ADDR.spoofBlock, '--source-count', String(SOURCES), '--rate', String(RATE)],
      ],
      { timeoutMs: 60_000 },
    ).done;
    expect(flood.stderr).toBe('');
    expect(flood.code).toBe(0);
    const sent = JSON.parse(flood.stdout) as { garbage: number; spoofed: number; sources: number; ms: number };
    expect(sent).toMatchObject({ garbage: GARBAGE, spoofed: SPOOFED, sources: SOURCES });
    // The flood ran its course while the download was still going.
    expect(download.child.exitCode).toBeNull();
    const partAfterFlood = sizeOf(part);
    const duringFlood = await s.status();

    const result = await download.done;
    note(`flood sent in ${sent.ms} ms; the download was at ${(partAfterFlood / MiB).toFixed(1)} MiB when it ended; download took ${result.ms} ms`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await sha256OfFile(path.join(s.dirs.downloads, 'big.bin'))).toBe(expected);

    // The same session carried the whole download: same id, same address, no handshake since.
    expect(duringFlood.clients.map((c) => c.sessionId)).toEqual([session.sessionId]);
    expect(duringFlood.clients[0].address).toBe(session.address);
    expect(duringFlood.handshakes).toBe(before.handshakes);

    // The relay saw the flood and counted it by reason; whatever it did not count, the kernel dropped
    // for a full receive buffer. Read after the download, when the relay has long drained its queue
    // (right after the flood, datagrams still waiting in the socket buffer are not counted yet).
    const after = await s.status();
    expect(after.handshakes).toBe(before.handshakes);
    const kernelAfter = s.net.udpCounters('relay');
    const kernelDropped = (kernelAfter.RcvbufErrors ?? 0) - (kernelBefore.RcvbufErrors ?? 0);
    const garbageCounted = grew(before, after, 'malformed', 'unknownIndex');
    const spoofedCounted = grew(before, after, 'mac1');
    note(`relay counted ${garbageCounted} garbage, ${spoofedCounted} mac1 failures; kernel dropped ${kernelDropped}; drops ${JSON.stringify(after.drops)}`);
    // A few packets of the download's session itself arrive after the relay closed it (unknownIndex).
    expect(garbageCounted).toBeLessThanOrEqual(GARBAGE + LATE_SESSION_PACKETS);
    expect(spoofedCounted).toBeLessThanOrEqual(SPOOFED);
    expect(garbageCounted + spoofedCounted + kernelDropped).toBeGreaterThanOrEqual(0.99 * (GARBAGE + SPOOFED));
    // Most of each kind reached the relay's own checks (a host with a small net.core.rmem_max drops
    // more in the kernel; the sum above still holds there).
    expect(garbageCounted).toBeGreaterThanOrEqual(0.5 * GARBAGE);
    expect(spoofedCounted).toBeGreaterThanOrEqual(0.5 * SPOOFED);
    // Nothing forged got further than mac1: no cookie replies, no credential lookups, no half-open state.
    for (const reason of ['cookie', 'rateLimited', 'credential', 'handshake', 'capacity', 'session']) expect(grew(before, after, reason)).toBe(0);
  }, 200_000);
});
