import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CloseCode, type Message } from '@clawchat/protocol';
import { readSecHeader } from '@clawchat/security-file';
import { runToExit, spawnNode } from '@clawchat/testing';
import { BUNDLES } from '../support/processes';
import { TestSystem } from '../support/system';
import { TestClient } from '../support/test-client';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function secExpiry(sys: TestSystem): number {
  return readSecHeader(readFileSync(sys.secFile)).expiresAt;
}

async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

describe('relay with a real LLM server', () => {
  let sys: TestSystem | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await sys?.stop();
    sys = undefined;
  });

  test('the .sec regeneration timeline: a new file each interval while idle, none while a client is connected', async () => {
    // Scaled timeline: regenerate every 1.5 s, each valid 1.65 s (the real 10 / 11 minutes, / 400).
    sys = await new TestSystem({ relayEnv: { CLAWCHAT_SEC_REGENERATE_MS: '1500', CLAWCHAT_SEC_VALIDITY_MS: '1650' } }).start();
    const s = sys;
    const seen = new Set<number>([secExpiry(s)]);
    await waitFor(() => (seen.add(secExpiry(s)), seen.size >= 3), 6_000, 'two regenerations');
    const sorted = [...seen].sort();
    expect(sorted[1] - sorted[0]).toBeGreaterThanOrEqual(1400);
    expect(sorted[1] - sorted[0]).toBeLessThan(2500);
    // Connect: regeneration stops.
    const client = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'first' });
    clients.push(client);
    await client.until(() => client.state === 'established');
    await client.request({ type: 'PING', t: Date.now() });
    const whileConnected = secExpiry(s);
    await new Promise((r) => setTimeout(r, 4_000));
    expect(secExpiry(s)).toBe(whileConnected);
    // The ticket in that file was used by the first device: another device is told so, in one line.
    const used = await s.cli(['send', '--sec', s.secFile, 'hi'], { device: 'second' });
    expect(used.code).toBe(3);
    expect(used.stderr).toMatch(/already used/i);
    expect(used.stderr.trim().split('\n')).toHaveLength(1);
    // A ticket nobody used, past its validity (judged by the relay's clock), is refused as expired.
    const stale = await s.admin(['issue']);
    const staleFile = /wrote (\S+\.sec)/.exec(stale.stdout)?.[1] as string;
    await new Promise((r) => setTimeout(r, 1_800));
    const expired = await s.cli(['send', '--sec', staleFile, 'hi'], { device: 'second' });
    expect(expired.code).toBe(3);
    expect(expired.stderr).toMatch(/expired/i);
    // `issue` lets a second device in while the first stays connected.
    // Not waiting long between issue and use: the scaled validity is 1.65 s.
    const issued = await s.admin(['issue']);
    expect(issued.code).toBe(0);
    const file = /wrote (\S+\.sec)/.exec(issued.stdout)?.[1] as string;
    const second = await s.cli(['send', '--sec', file, 'from the second device'], { device: 'second' });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('You said: from the second device');
    expect(client.closed).toBeUndefined();
    // The issued ticket is single-use: a third device with the same file is told it was used.
    const third = await s.cli(['send', '--sec', file, 'again'], { device: 'third' });
    expect(third.code).toBe(3);
    expect(third.stderr).toMatch(/already used/i);
    // The last client leaves: regeneration resumes with a fresh file right away (the old one is spent).
    await client.close();
    await waitFor(() => secExpiry(s) !== whileConnected, 3_000, 'regeneration after the last client left');
  }, 60_000);

  test('revoke closes the session with COMPROMISED, kills the resumption credential, writes a new .sec, keeps the conversation', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const client = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'stolen-laptop' });
    clients.push(client);
    await client.until(() => client.state === 'established');
    const done = (await client.request({ type: 'CHAT', text: 'remember the word pelican' })) as Extract<Message, { type: 'CHAT_DONE' }>;
    expect(done.type).toBe('CHAT_DONE');
    const secBefore = statSync(s.secFile).mtimeMs;
    const revoked = await s.admin(['revoke', 'stolen-laptop']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/revoked stolen-laptop/);
    await client.until(() => !!client.closed, 10_000, 'session closed');
    expect(client.closed?.code).toBe(CloseCode.REVOKED);
    expect(client.messages.some((m) => m.type === 'COMPROMISED')).toBe(true);
    expect(statSync(s.secFile).mtimeMs).toBeGreaterThan(secBefore);
    // The old resumption credential gets no answer any more.
    const again = await TestClient.resume(client.resumption as NonNullable<typeof client.resumption>, client.device);
    clients.push(again);
    await again.until(() => again.failed !== undefined, 10_000, 'resumption refused');
    // A new device with the fresh .sec finds the conversation where it was.
    const history = await s.cli(['send', '--sec', s.secFile, '--json', 'what was the word?'], { device: 'new-laptop' });
    expect(history.code).toBe(0);
    const turns = readFileSync(path.join(s.dirs.state, 'llm_session.json'), 'utf8');
    expect(turns).toContain('pelican');
    expect(turns).toContain('what was the word?');
    expect(s.relay.output).toMatch(/revoked stolen-laptop/);
    expect(s.relay.output).not.toMatch(/ccbk1_/); // the bootstrap key never reaches a log
  }, 60_000);

  test('hourly rotation (scaled to 1 s) during a download: nothing lost, no reconnect', async () => {
    sys = await new TestSystem({ relayEnv: { CLAWCHAT_REKEY_AFTER_MS: '1000' } }).start();
    const s = sys;
    const blob = randomBytes(24 * 1024 * 1024);
    writeFileSync(path.join(s.dirs.files, 'big.bin'), blob);
    const client = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'rotator' });
    clients.push(client);
    await client.until(() => client.state === 'established');
    // Slow the download down so it spans several rotations: read pieces as they come, 256 KiB each.
    const id = client.send({ type: 'FILE_DOWNLOAD', path: 'big.bin' });
    await client.until(() => client.messages.some((m) => m.type === 'FILE_DONE' || (m.type === 'ERROR' && m.re === id)), 60_000, 'download done');
    const pieces = client.messages.filter((m): m is Extract<Message, { type: 'FILE_DATA' }> => m.type === 'FILE_DATA' && m.re === id);
    const data = Buffer.concat(pieces.map((p) => Buffer.from(p.bytes)));
    expect(sha(data)).toBe(sha(blob));
    // Rotate a few more times with the session idle-ish, then check: several rekeys, one handshake.
    await new Promise((r) => setTimeout(r, 3_500));
    const status = (await client.request({ type: 'STATUS' })) as Extract<Message, { type: 'OK' }>;
    expect(status.type).toBe('OK');
    expect((client.session?.status(performance.now()).rekeys ?? 0) + (s.relay.output.match(/keys rotated/g)?.length ?? 0)).toBeGreaterThanOrEqual(2);
    expect(s.relay.output.match(/connected from/g)).toHaveLength(1);
    expect(client.closed).toBeUndefined();
  }, 90_000);

  test('a client that stops listening mid-download: the relay holds the LLM server back, another device chats meanwhile, the download then completes intact', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const blob = randomBytes(32 * 1024 * 1024);
    writeFileSync(path.join(s.dirs.files, 'big.bin'), blob);
    const slow = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'lid-closed' });
    clients.push(slow);
    await slow.until(() => slow.state === 'established');
    const issued = /wrote (\S+\.sec)/.exec((await s.admin(['issue'])).stdout)?.[1] as string;
    const other = await TestClient.fromSec(issued, s.bootstrapKey, { name: 'phone' });
    clients.push(other);
    await other.until(() => other.state === 'established');
    const id = slow.send({ type: 'FILE_DOWNLOAD', path: 'big.bin' });
    await slow.until(() => slow.messages.some((m) => m.type === 'FILE_DATA' && m.re === id), 10_000, 'first piece');
    // Far more than the relay's per-client backlog (8 MiB) is on its way while nobody listens.
    const deaf = slow.deaf(3_000);
    const chat = (await other.request({ type: 'CHAT', text: 'still there?' }, 10_000)) as Extract<Message, { type: 'CHAT_DONE' }>;
    expect(chat.type).toBe('CHAT_DONE');
    await deaf;
    await slow.until(() => slow.messages.some((m) => (m.type === 'FILE_DONE' || m.type === 'ERROR') && m.re === id), 60_000, 'download done');
    const pieces = slow.messages.filter((m): m is Extract<Message, { type: 'FILE_DATA' }> => m.type === 'FILE_DATA' && m.re === id);
    expect(Buffer.concat(pieces.map((p) => Buffer.from(p.bytes))).equals(blob)).toBe(true);
    expect(slow.closed).toBeUndefined();
  }, 90_000);

  test('LLM server killed mid-reply: LLM_UNREACHABLE; restarted: the next chat continues the same conversation', async () => {
    // A provider that streams one piece and then stalls, so the kill lands mid-reply.
    let requests = 0;
    const provider = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (text: string) =>
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
      chunk('Thinking about it');
      if (requests > 1) {
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      }
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
    const port = (provider.address() as { port: number }).port;
    try {
      sys = await new TestSystem({
        llmEnv: { CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: `http://127.0.0.1:${port}/v1`, CLAWCHAT_LLM_MODEL: 'fake' },
      }).start();
      const s = sys;
      const client = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'laptop' });
      clients.push(client);
      await client.until(() => client.state === 'established');
      const id = client.send({ type: 'CHAT', text: 'first question' });
      await client.until(() => client.messages.some((m) => m.type === 'CHAT_DELTA' && m.re === id), 10_000, 'first delta');
      s.llm.child.kill('SIGKILL');
      await client.until(() => client.messages.some((m) => m.type === 'ERROR' && m.re === id), 15_000, 'LLM_UNREACHABLE');
      const err = client.messages.find((m) => m.type === 'ERROR' && m.re === id) as Extract<Message, { type: 'ERROR' }>;
      expect(err.code).toBe('LLM_UNREACHABLE');
      // Found through the closed port (the relay's next ping came back "unreachable"), not after 6 s of silence.
      expect(s.relay.output).toMatch(/local link down: nothing listens on 127\.0\.0\.1:\d+ \(the LLM server stopped\)/);
      // While the server is down, a new request fails at once instead of waiting 60 s.
      const started = Date.now();
      const quick = (await client.request({ type: 'CHAT', text: 'are you there?' }, 5_000)) as Extract<Message, { type: 'ERROR' }>;
      expect(quick.code).toBe('LLM_UNREACHABLE');
      expect(Date.now() - started).toBeLessThan(2_000);
      // Restart on the same port: the relay's link comes back by itself.
      await s.startLlm(s.llmPort);
      await waitFor(() => /local link to the LLM server at .* is up[\s\S]*local link to the LLM server at .* is up/.test(s.relay.output), 15_000, 'link up again');
      const done = (await client.request({ type: 'CHAT', text: 'second question' }, 20_000)) as Extract<Message, { type: 'CHAT_DONE' }>;
      expect(done.type).toBe('CHAT_DONE');
      const hist = (await client.request({ type: 'CHAT_HISTORY', limit: 10 })) as Extract<Message, { type: 'OK' }>;
      expect(JSON.stringify(hist.result)).toContain('second question');
      expect(client.closed).toBeUndefined();
    } finally {
      provider.closeAllConnections();
      provider.close();
    }
  }, 90_000);

  test('relay killed with SIGKILL and restarted: the client reconnects without a new .sec', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const first = await s.cli(['send', '--sec', s.secFile, 'before the crash']);
    expect(first.code).toBe(0);
    s.relay.child.kill('SIGKILL');
    await s.relay.exited;
    await s.startRelay();
    // No --sec, and the old .sec is gone from the picture: the stored resumption credential is enough.
    const after = await s.cli(['send', 'after the crash']);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('You said: after the crash');
  }, 60_000);

  test('the resumption credential rotates on every connect; two programs of one device at once both work; an old copy dies; a restart keeps them; revoke ends them', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const storeFile = (device: string) => path.join(s.dirs.client, device, 'clawchat', 'credentials.json');
    const storedId = (): string => (JSON.parse(readFileSync(storeFile('laptop'), 'utf8')) as { relays: { resumptionId: string }[] }).relays[0].resumptionId;
    const status = (device = 'laptop') => s.cli(['status'], { device, env: { CLAWCHAT_HANDSHAKE_TIMEOUT_MS: '2000' } });
    const first = await s.cli(['send', '--sec', s.secFile, 'hello']);
    expect(first.code).toBe(0);
    const ids = [storedId()];
    const oldCopy = readFileSync(storeFile('laptop'));
    // The TUI and a script (here two headless programs) connect at the same moment from the same file.
    const both = await Promise.all([status(), status()]);
    expect(both.map((r) => r.code)).toEqual([0, 0]);
    ids.push(storedId());
    // Six at once (`xargs -P 6`), round after round: every one gets in, and the file always holds a live
    // credential (only one handshake at a time rotates it, so the others cannot push it out).
    for (let round = 0; round < 3; round++) {
      const six = await Promise.all(Array.from({ length: 6 }, () => status()));
      expect(six.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0]);
    }
    ids.push(storedId());
    // Whichever credential the file kept works, and every connect stores a new one.
    for (let i = 0; i < 4; i++) {
      const r = await status();
      expect(r.code).toBe(0);
      ids.push(storedId());
    }
    expect(new Set(ids).size).toBe(ids.length);
    const peers = JSON.parse(readFileSync(path.join(s.dirs.security, 'peers.json'), 'utf8')) as { v: number; peers: { credentials: { id: string }[] }[] };
    expect(peers.v).toBe(2);
    expect(peers.peers).toHaveLength(1); // one device, however many ids it went through
    expect(peers.peers[0].credentials.length).toBeLessThanOrEqual(4);
    expect(peers.peers[0].credentials.map((c) => c.id)).toContain(ids[ids.length - 1]);
    // A copy of the credential file taken at the first connect (a backup, a stolen disk image) is dead.
    mkdirSync(path.dirname(storeFile('old-copy')), { recursive: true, mode: 0o700 });
    writeFileSync(storeFile('old-copy'), oldCopy, { mode: 0o600 });
    const stale = await status('old-copy');
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/cannot reach the relay/);
    // The relay crashes and restarts: the device's newest credential is still known.
    s.relay.child.kill('SIGKILL');
    await s.relay.exited;
    await s.startRelay();
    expect((await status()).code).toBe(0);
    // revoke ends every credential the device holds.
    expect((await s.admin(['revoke', '--all'])).code).toBe(0);
    expect((await status()).code).toBe(3);
  }, 90_000);

  test('a name two devices share does not revoke both: the fingerprint picks one; a second relay on the same folder is refused', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const first = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'twin' });
    clients.push(first);
    await first.until(() => first.state === 'established');
    const issued = /wrote (\S+\.sec)/.exec((await s.admin(['issue'])).stdout)?.[1] as string;
    const second = await TestClient.fromSec(issued, s.bootstrapKey, { name: 'twin' });
    clients.push(second);
    await second.until(() => second.state === 'established');
    const tooShort = await s.admin(['revoke', 'ab']);
    expect(tooShort.code).toBe(1);
    expect(tooShort.stderr).toMatch(/at least its first 4 hex digits/);
    const ambiguous = await s.admin(['revoke', 'twin']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toMatch(/"twin" matches 2 devices/);
    expect(first.closed).toBeUndefined();
    expect(second.closed).toBeUndefined();
    const status = JSON.parse((await s.admin(['status', '--json'])).stdout) as { status: { peers: { fingerprint: string }[] } };
    const fingerprints = status.status.peers.map((p) => p.fingerprint);
    const secondPrint = createHash('sha256').update(second.device.publicKey).digest('hex').slice(0, 4);
    const target = fingerprints.find((f) => f.replace(/:/g, '').startsWith(secondPrint)) as string;
    const exact = await s.admin(['revoke', target]);
    expect(exact.code).toBe(0);
    await second.until(() => !!second.closed, 10_000, 'second twin revoked');
    expect(first.closed).toBeUndefined();
    // Another relay on the same security folder would take another port and the admin socket.
    const rival = await s.admin(['--ip', '127.0.0.1', '--llm-port', String(s.llmPort)]);
    expect(rival.code).not.toBe(0);
    expect(rival.stderr).toMatch(/another relay \(pid \d+\) is already running/);
    expect((await s.admin(['status'])).code).toBe(0); // the first one still answers
    const gone = await runToExit(spawnNode([BUNDLES.relay, 'status'], { cwd: s.root, env: { ...process.env, CLAWCHAT_SECURITY_DIR: path.join(s.root, 'elsewhere') }, stdin: 'ignore' })).done;
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/no relay is running.*--security-dir/);
  }, 60_000);

  test('a client cannot announce itself to the LLM server: CLIENT_OPEN / CLIENT_CLOSE come from the relay only', async () => {
    sys = await new TestSystem().start();
    const client = await TestClient.fromSec(sys.secFile, sys.bootstrapKey, { name: 'honest-name' });
    clients.push(client);
    await client.until(() => client.state === 'established');
    client.push({ type: 'CLIENT_OPEN', sessionId: '1', device: 'impostor-device', fingerprint: 'SHA256:forged' });
    client.push({ type: 'CLIENT_CLOSE', sessionId: '1', reason: 'impostor closing' });
    await client.until(() => client.messages.filter((m) => m.type === 'ERROR' && /relay only/.test(m.message)).length === 2, 10_000, 'two refusals');
    // A full turn through the LLM server afterwards: the forged messages would have been logged before it.
    const done = await client.request({ type: 'CHAT', text: 'still me' });
    expect(done.type).toBe('CHAT_DONE');
    expect(sys.llm.output).toContain('honest-name');
    expect(sys.llm.output).not.toMatch(/impostor/);
  }, 60_000);

  test('a client that reports itself compromised and keeps talking cannot take the relay down', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    const client = await TestClient.fromSec(s.secFile, s.bootstrapKey, { name: 'panicky' });
    clients.push(client);
    await client.until(() => client.state === 'established');
    const secBefore = statSync(s.secFile).mtimeMs;
    // COMPROMISED, then more requests in the same flight: they reach a session that is closing.
    client.push({ type: 'COMPROMISED', reason: 'lost it' });
    client.send({ type: 'PING', t: Date.now() });
    client.send({ type: 'CHAT', text: 'still there?' });
    await client.until(() => !!client.closed, 10_000, 'session closed');
    expect(client.closed?.code).toBe(CloseCode.REVOKED);
    await waitFor(() => statSync(s.secFile).mtimeMs > secBefore, 5_000, 'fresh .sec');
    expect(s.relay.running).toBe(true);
    const next = await s.cli(['send', '--sec', s.secFile, 'hello again'], { device: 'replacement' });
    expect(next.code).toBe(0);
    expect(s.relay.output).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});
