/**
 * The real clawchat-llm process, driven over UDP by a relay-like peer holding the local key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CATALOGUE_VERSION, encodeMessage, localStreamId, type Message } from '@clawchat/protocol';
import { BUNDLE, buildBundle, cleanEnv, id, LinkPeer, readLocalKey, resultOf, startFakeOpenAi, startServer, tempDirs, type Dirs, type ServerProcess } from './support';

jest.setTimeout(60_000);

beforeAll(() => buildBundle());

const CRON_MD = `# Jobs
## Daily note
schedule: 0 9 * * *
enabled: true
prompt:
Write the daily note.

## Broken job
schedule: not a schedule
prompt: never runs
`;

let dirs: Dirs;
let server: ServerProcess | undefined;
const peers: LinkPeer[] = [];

async function connect(): Promise<LinkPeer> {
  const peer = await LinkPeer.connect((server as ServerProcess).port, readLocalKey(dirs));
  peers.push(peer);
  return peer;
}

beforeEach(() => {
  dirs = tempDirs();
});

afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
  await server?.stop('SIGKILL');
  server = undefined;
  dirs.cleanup();
});

function text(m: Message): string {
  return (m as { text: string }).text;
}

test('HELLO/WELCOME, CLIENT_OPEN, a CHAT streamed as deltas then CHAT_DONE, broadcast to the other device', async () => {
  server = await startServer(dirs);
  expect(existsSync(join(dirs.state, 'local.key'))).toBe(true);
  const peer = await connect();
  peer.open(1, 'laptop');
  peer.open(2, 'phone');
  const hello = await peer.request(1, { type: 'HELLO', id: id(), version: CATALOGUE_VERSION, client: 'e2e/1', capabilities: [] });
  expect(hello.end).toMatchObject({ type: 'WELCOME', versions: [CATALOGUE_VERSION], provider: 'offline', model: 'offline', offline: true, session: { turns: 0 } });

  const chatId = id();
  const { end, pieces } = await peer.request(1, { type: 'CHAT', id: chatId, text: 'hello there' });
  const deltas = pieces.filter((p) => p.message.type === 'CHAT_DELTA');
  expect(deltas.length).toBeGreaterThan(1);
  expect(deltas.every((d) => d.streamId === localStreamId(1, 1))).toBe(true);
  expect(end).toMatchObject({ type: 'CHAT_DONE', provider: 'offline', model: 'offline' });
  expect(deltas.map((d) => text(d.message)).join('')).toBe(text(end));
  expect(text(end)).toContain('You said: hello there');

  // The other device gets the completed turn with the question, on its chat stream.
  await peer.until(() => peer.received.some((r) => r.streamId === localStreamId(2, 1) && r.message.type === 'CHAT_DONE'));
  const pushed = peer.received.find((r) => r.streamId === localStreamId(2, 1))?.message;
  expect(pushed).toMatchObject({ type: 'CHAT_DONE', re: chatId, question: 'hello there', text: text(end) });
  // The asker gets no copy with the question; nobody but device 2 gets the push.
  expect(peer.received.filter((r) => r.message.type === 'CHAT_DONE')).toHaveLength(2);
  // Nothing in the log quotes the message text.
  expect(server.stderr()).not.toContain('hello there');
});

test('an invalid message gets ERROR BAD_REQUEST with its id; an unknown catalogue version is refused', async () => {
  server = await startServer(dirs);
  const peer = await connect();
  const badId = id();
  const bad = encodeMessage({ type: 'CHAT', id: badId, text: 'x' });
  // Corrupt the JSON header: "text" becomes a number.
  const forged = Buffer.from(bad.toString('latin1').replace('"text":"x"', '"text":12 '), 'latin1');
  peer.sendRaw(localStreamId(1, 1), forged);
  await peer.until(() => peer.answers(badId).length > 0);
  expect(peer.answers(badId)[0].message).toMatchObject({ type: 'ERROR', code: 'BAD_REQUEST' });

  const hello = await peer.request(1, { type: 'HELLO', id: id(), version: CATALOGUE_VERSION + 1, client: 'future/9', capabilities: [] });
  expect(hello.end).toMatchObject({ type: 'ERROR', code: 'BAD_REQUEST' });
  expect((hello.end as { message: string }).message).toMatch(/upgrade the LLM server/);
});

test('the conversation survives a restart (llm_session.json) and a resent CHAT is replayed, not re-run', async () => {
  server = await startServer(dirs);
  let peer = await connect();
  const chatId = id();
  const first = await peer.request(1, { type: 'CHAT', id: chatId, text: 'remember the number 42' });
  expect(await server.stop('SIGTERM')).toBe(0);
  const session = JSON.parse(readFileSync(join(dirs.state, 'llm_session.json'), 'utf8'));
  expect(session.turns).toHaveLength(1);

  server = await startServer(dirs);
  peer = await connect();
  const hello = await peer.request(3, { type: 'HELLO', id: id(), version: CATALOGUE_VERSION, client: 'e2e/1', capabilities: [] });
  expect(hello.end).toMatchObject({ type: 'WELCOME', session: { turns: 1 } });
  const history = await peer.request(3, { type: 'CHAT_HISTORY', id: id(), limit: 10 });
  expect(history.end).toMatchObject({ type: 'OK', result: { more: false, turns: [{ index: 0, id: chatId, question: 'remember the number 42', answer: text(first.end) }] } });

  const replay = await peer.request(3, { type: 'CHAT', id: chatId, text: 'remember the number 42' });
  expect(text(replay.end)).toBe(text(first.end));
  expect(replay.pieces.map((p) => text(p.message)).join('')).toBe(text(first.end));
  const after = await peer.request(3, { type: 'HELLO', id: id(), version: CATALOGUE_VERSION, client: 'e2e/1', capabilities: [] });
  expect(after.end).toMatchObject({ session: { turns: 1 } });
});

test('a SOUL.md edit reaches the provider on the next turn (real OpenAI SDK against a local fake)', async () => {
  const fake = await startFakeOpenAi((n) => [`answer `, `number ${n}`]);
  try {
    writeFileSync(join(dirs.context, 'SOUL.md'), 'You are a calm pirate.\n');
    server = await startServer(dirs, { env: { CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: fake.url, CLAWCHAT_LLM_MODEL: 'fake-model' } });
    const peer = await connect();
    const one = await peer.request(1, { type: 'CHAT', id: id(), text: 'first' });
    expect(one.end).toMatchObject({ type: 'CHAT_DONE', text: 'answer number 1', provider: 'openai-compatible' });
    expect(fake.requests[0].messages[0]).toMatchObject({ role: 'system' });
    expect(fake.requests[0].messages[0].content).toContain('calm pirate');

    writeFileSync(join(dirs.context, 'SOUL.md'), 'You are an excitable parrot, and the file grew.\n');
    const two = await peer.request(1, { type: 'CHAT', id: id(), text: 'second' });
    expect(text(two.end)).toBe('answer number 2');
    const system = fake.requests[1].messages[0].content;
    expect(system).toContain('excitable parrot');
    expect(system).not.toContain('calm pirate');
    // The earlier turn travels as history.
    expect(fake.requests[1].messages.slice(1).map((m) => m.content)).toEqual(['first', 'answer number 1', 'second']);
  } finally {
    await fake.close();
  }
});

test('FILE upload then download round trip, verified by sha256', async () => {
  server = await startServer(dirs);
  const peer = await connect();
  const data = randomBytes(700 * 1024 + 123);
  const sha256 = createHash('sha256').update(data).digest('hex');
  expect((await peer.request(1, { type: 'FILE_MKDIR', id: id(), path: 'docs' })).end).toMatchObject({ type: 'OK', result: {} });
  const upload = await peer.request(1, { type: 'FILE_UPLOAD', id: id(), path: 'docs/report.bin', size: data.length, sha256 });
  expect(upload.end).toMatchObject({ type: 'OK', result: { offset: 0 } });
  const uploadId = resultOf<{ upload: string }>(upload.end).upload;
  const chunk = 200 * 1024;
  for (let offset = 0; offset < data.length; offset += chunk) {
    peer.send(1, { type: 'FILE_CHUNK', upload: uploadId, offset, bytes: data.subarray(offset, offset + chunk) });
  }
  const commit = await peer.request(1, { type: 'FILE_COMMIT', id: id(), upload: uploadId });
  expect(commit.end).toMatchObject({ type: 'OK', result: { path: 'docs/report.bin', size: data.length, sha256 } });
  expect(readFileSync(join(dirs.files, 'docs/report.bin')).equals(data)).toBe(true);

  const list = await peer.request(1, { type: 'FILE_LIST', id: id(), path: 'docs' });
  expect(list.end).toMatchObject({ type: 'OK', result: { entries: [{ name: 'report.bin', kind: 'file', size: data.length }] } });

  const download = await peer.request(1, { type: 'FILE_DOWNLOAD', id: id(), path: 'docs/report.bin' });
  expect(download.end).toMatchObject({ type: 'FILE_DONE', size: data.length, sha256 });
  const pieces = download.pieces.map((p) => p.message as unknown as { offset: number; bytes: Uint8Array });
  expect(pieces.length).toBeGreaterThan(1);
  const got = Buffer.concat(pieces.map((p) => Buffer.from(p.bytes)));
  expect(pieces[0].offset).toBe(0);
  expect(createHash('sha256').update(got).digest('hex')).toBe(sha256);

  // A resumed download from an offset.
  const tail = await peer.request(1, { type: 'FILE_DOWNLOAD', id: id(), path: 'docs/report.bin', offset: data.length - 1000 });
  const tailBytes = Buffer.concat(tail.pieces.map((p) => Buffer.from((p.message as unknown as { bytes: Uint8Array }).bytes)));
  expect(tailBytes.equals(data.subarray(data.length - 1000))).toBe(true);

  const outside = await peer.request(1, { type: 'FILE_STAT', id: id(), path: '../state/local.key' });
  expect(outside.end).toMatchObject({ type: 'ERROR', code: 'OUTSIDE_SANDBOX' });
});

test('CRON_RUN pushes CRON_EVENTs to connected clients and writes a log line; a bad job is listed with its line', async () => {
  writeFileSync(join(dirs.context, 'CRON.md'), CRON_MD);
  server = await startServer(dirs);
  const peer = await connect();
  peer.open(1);
  peer.open(2);
  const list = await peer.request(1, { type: 'CRON_LIST', id: id() });
  expect(list.end).toMatchObject({ type: 'OK', result: { jobs: [{ name: 'Daily note', enabled: true, missed_policy: 'once' }] } });
  const errors = resultOf<{ errors: { line: number; job?: string }[] }>(list.end).errors;
  expect(errors[0]).toMatchObject({ line: 9, job: 'Broken job' });

  const run = await peer.request(1, { type: 'CRON_RUN', id: id(), name: 'daily note' });
  expect(run.end).toMatchObject({ type: 'OK' });
  const runId = resultOf<{ runId: string }>(run.end).runId;
  const events = (client: number) => peer.received.filter((r) => r.streamId === localStreamId(client, 0) && r.message.type === 'CRON_EVENT').map((r) => r.message);
  await peer.until(() => events(1).length === 2 && events(2).length === 2);
  expect(events(1)).toEqual([
    expect.objectContaining({ job: 'Daily note', event: 'started', runId }),
    expect.objectContaining({ job: 'Daily note', event: 'finished', runId, status: 'ok' }),
  ]);
  expect((events(2)[1] as { output: string }).output).toContain('Write the daily note.');

  const logFile = join(dirs.state, 'logs/cron/daily-note.jsonl');
  const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toEqual([expect.objectContaining({ runId, job: 'Daily note', ok: true, reason: 'manual' })]);
  const log = await peer.request(1, { type: 'CRON_LOG', id: id(), name: 'Daily note', limit: 5 });
  expect(log.end).toMatchObject({ type: 'OK', result: { runs: [{ runId, status: 'ok' }] } });

  const disable = await peer.request(1, { type: 'CRON_DISABLE', id: id(), name: 'Daily note' });
  expect(disable.end).toMatchObject({ type: 'OK', result: { name: 'Daily note', enabled: false } });
  expect(readFileSync(join(dirs.context, 'CRON.md'), 'utf8')).toBe(CRON_MD.replace('enabled: true', 'enabled: false'));

  // Saving CRON.md by hand reloads it (watched).
  writeFileSync(join(dirs.context, 'CRON.md'), `${CRON_MD.replace('enabled: true', 'enabled: false')}\n## Added later\nschedule: @hourly\nprompt: hi\n`);
  await server.waitForLog(/reloaded .*CRON\.md: 2 job/);
  const after = await peer.request(1, { type: 'CRON_LIST', id: id() });
  expect(resultOf<{ jobs: { name: string }[] }>(after.end).jobs.map((j) => j.name)).toEqual(['Daily note', 'Added later']);
});

test('a peer without the local key gets no answer at all', async () => {
  server = await startServer(dirs);
  await expect(LinkPeer.connect(server.port, randomBytes(32), { handshakeTimeoutMs: 1500 })).rejects.toThrow(/handshake failed/);
  // Raw garbage gets no reply either.
  const socket = dgram.createSocket('udp4');
  const replies: Buffer[] = [];
  socket.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  socket.send(randomBytes(148), server.port, '127.0.0.1');
  // The keyed peer still works afterwards (and proves the server was up and answering meanwhile).
  const good = await connect();
  expect((await good.request(1, { type: 'PING', id: id(), t: 5 })).end).toMatchObject({ type: 'PONG', t: 5 });
  socket.close();
  expect(replies).toHaveLength(0);
});

test('the server is not reachable on a non-loopback address', async () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!external) {
    console.warn('no non-loopback IPv4 address on this machine; skipped');
    return;
  }
  server = await startServer(dirs);
  await expect(
    LinkPeer.connect(server.port, readLocalKey(dirs), { host: external.address, bindHost: external.address, handshakeTimeoutMs: 1500 }),
  ).rejects.toThrow(/handshake failed/);
});

test('a second server on the same state folder is refused, and the first one keeps its conversation', async () => {
  server = await startServer(dirs);
  const peer = await connect();
  await peer.request(1, { type: 'CHAT', id: id(), text: 'only one of us writes the conversation' });
  const second = spawnSync(process.execPath, [BUNDLE, '--port', '0', '--state-dir', dirs.state], { cwd: dirs.root, env: cleanEnv(), encoding: 'utf8' });
  expect(second.status).toBe(2);
  expect(second.stderr).toMatch(/another clawchat-llm \(pid \d+\) is already using the state folder/);
  expect(second.stderr.trim().split('\n')).toHaveLength(1);
  const hello = await peer.request(3, { type: 'HELLO', id: id(), version: CATALOGUE_VERSION, client: 'e2e/1', capabilities: [] });
  expect(hello.end).toMatchObject({ type: 'WELCOME', session: { turns: 1 } });
  // Killed without a chance to clean up: the next start takes the lock over.
  await server.stop('SIGKILL');
  server = await startServer(dirs);
  expect(server.port).toBeGreaterThan(0);
});

test('a bad setting is one line naming the variable, exit code 2, no stack trace', () => {
  const r = spawnSync(process.execPath, [BUNDLE, '--port', '0', '--state-dir', dirs.state], {
    cwd: dirs.root,
    env: cleanEnv({ CLAWCHAT_LLM_CONTEXT_TOKENS: 'lots' }),
    encoding: 'utf8',
  });
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain('CLAWCHAT_LLM_CONTEXT_TOKENS');
  expect(r.stderr).not.toMatch(/\n\s+at /);

  // .env in the working directory is read; the environment wins over it.
  writeFileSync(join(dirs.root, '.env'), 'CLAWCHAT_LLM_PROVIDER=nonsense\n');
  const fromDotenv = spawnSync(process.execPath, [BUNDLE, '--port', '0', '--state-dir', dirs.state], { cwd: dirs.root, env: cleanEnv(), encoding: 'utf8' });
  expect(fromDotenv.status).toBe(2);
  expect(fromDotenv.stderr).toContain('CLAWCHAT_LLM_PROVIDER');
});
