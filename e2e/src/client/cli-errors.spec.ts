/**
 * The real client bundle, as a user runs it, on the paths that need no relay: usage errors (exit 2),
 * unusable .sec files and keys (exit 3; an expired one before dialling), an unreachable relay (exit 3
 * within the handshake timeout), and the .sec picker in a real pseudo-terminal (tmux). Every error is one line, never a stack trace.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TmuxSession } from '../support/tmux';
import { CLIENT_BUNDLE, ensureClientBundle, makeSec, runClient, sandbox, silentUdpPort, type ClientRun, type Sandbox } from './client-bundle';

/** The handshake timeout the tests give the client, so "unreachable" is reported quickly. */
const SHORT_HANDSHAKE_MS = 1500;

function expectOneLineError(r: ClientRun, code: number, pattern: RegExp): void {
  expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code });
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^clawchat: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('clawchat (real bundle) without a relay', () => {
  let box: Sandbox;
  beforeAll(() => ensureClientBundle(), 120_000);
  beforeEach(() => {
    box = sandbox();
    mkdirSync(box.env.CLAWCHAT_SECURITY_DIR as string, { recursive: true });
  });
  afterEach(() => box.cleanup());

  const client = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, input?: string) => runClient(args, { env: { ...box.env, ...extraEnv }, cwd: box.dir, input });

  test('--help and --version exit 0', async () => {
    const help = await client(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 remote error, 2 usage, 3 cannot connect');
    const version = await client(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^clawchat \d+\.\d+\.\d+\n$/) });
  });

  test('usage errors exit 2 with one line', async () => {
    expectOneLineError(await client(['files', 'frobnicate']), 2, /unknown action "files frobnicate"/);
    expectOneLineError(await client(['--nope']), 2, /unknown option --nope/);
    expectOneLineError(await client(['cron', 'log', 'backup', '--limit', '0']), 2, /--limit must be/);
    expectOneLineError(await client(['send'], {}, '  \n'), 2, /the message is empty/);
    expectOneLineError(await client(['status'], { CLAWCHAT_HANDSHAKE_TIMEOUT_MS: 'soon' }), 2, /CLAWCHAT_HANDSHAKE_TIMEOUT_MS must be/);
    // The TUI needs a terminal; piped stdio is a usage mistake, not a crash.
    expectOneLineError(await client([]), 2, /needs a terminal/);
  });

  test('a file that is not a .sec, or is cut short, exits 3 before any key is asked for', async () => {
    const junk = join(box.dir, 'junk.sec');
    writeFileSync(junk, 'definitely not a sec file, but long enough to have a header of forty-nine bytes');
    expectOneLineError(await client(['send', '--sec', junk, 'hi']), 3, /junk\.sec: not a ClawChat \.sec file/);
    const good = join(box.dir, 'good.sec');
    await makeSec(good, { host: '127.0.0.1', port: 9 });
    const cut = join(box.dir, 'cut.sec');
    writeFileSync(cut, readFileSync(good).subarray(0, 30));
    expectOneLineError(await client(['status', '--sec', cut]), 3, /cut\.sec: the file is cut short/);
    expectOneLineError(await client(['status', '--sec', join(box.dir, 'missing.sec')]), 3, /cannot open .*missing\.sec: no such file/);
  });

  test('wrong bootstrap key, tampered file, or no key at all exit 3', async () => {
    const sec = join(box.dir, 'clawchat-current.sec');
    await makeSec(sec, { host: '127.0.0.1', port: 9 });
    const otherKey = (await makeSec(join(box.dir, 'other.sec'), { host: '127.0.0.1', port: 9 })) as string;
    expectOneLineError(await client(['send', '--sec', sec, 'hi'], { CLAWCHAT_BOOTSTRAP_KEY: otherKey }), 3, /wrong bootstrap key or the file was modified/);
    const key = await makeSec(sec, { host: '127.0.0.1', port: 9 });
    const bytes = readFileSync(sec);
    bytes[bytes.length - 5] ^= 0x01;
    writeFileSync(sec, bytes);
    expectOneLineError(await client(['send', '--sec', sec, 'hi'], { CLAWCHAT_BOOTSTRAP_KEY: key }), 3, /wrong bootstrap key or the file was modified/);
    expectOneLineError(await client(['send', '--sec', sec, 'hi']), 3, /CLAWCHAT_BOOTSTRAP_KEY is not set/);
    expectOneLineError(await client(['send', '--sec', sec, 'hi'], { CLAWCHAT_BOOTSTRAP_KEY: 'short' }), 3, /passphrase is too short/);
  });

  test('an unreachable relay exits 3 within the handshake timeout, naming the address (and --relay wins)', async () => {
    const silent = await silentUdpPort();
    try {
      const sec = join(box.dir, 'clawchat-current.sec');
      const key = await makeSec(sec, { host: '127.0.0.1', port: silent.port });
      const env = { CLAWCHAT_BOOTSTRAP_KEY: key, CLAWCHAT_HANDSHAKE_TIMEOUT_MS: String(SHORT_HANDSHAKE_MS) };
      const r = await client(['send', '--sec', sec, 'hello'], env);
      expectOneLineError(r, 3, new RegExp(`cannot reach the relay at 127\\.0\\.0\\.1:${silent.port}`));
      expect(r.ms).toBeGreaterThanOrEqual(SHORT_HANDSHAKE_MS - 100);
      expect(r.ms).toBeLessThan(SHORT_HANDSHAKE_MS + 8000);
      expect(silent.received()).toBeGreaterThan(0); // it really tried, with retransmissions
      // The .sec points elsewhere; --relay sends the handshake to the silent socket instead.
      await makeSec(sec, { host: '127.0.0.1', port: 9 }).then((k) => (env.CLAWCHAT_BOOTSTRAP_KEY = k));
      const before = silent.received();
      const json = await client(['status', '--json', '--sec', sec, '--relay', `127.0.0.1:${silent.port}`], env);
      expect(json.code).toBe(3);
      expect(JSON.parse(json.stdout)).toMatchObject({ type: 'error', code: 'UNREACHABLE', message: expect.stringContaining(`127.0.0.1:${silent.port}`) });
      expect(silent.received()).toBeGreaterThan(before);
    } finally {
      silent.close();
    }
  });

  test("a .sec expired by this computer's clock is still tried, after a one-line note: the relay's clock decides", async () => {
    const silent = await silentUdpPort();
    try {
      const sec = join(box.dir, 'stale.sec');
      const key = await makeSec(sec, { host: '127.0.0.1', port: silent.port }, { expiredAgoMs: 12 * 60_000 + 20_000 });
      const r = await client(['send', '--sec', sec, 'hi'], { CLAWCHAT_BOOTSTRAP_KEY: key, CLAWCHAT_HANDSHAKE_TIMEOUT_MS: String(SHORT_HANDSHAKE_MS) });
      expect(r.code).toBe(3);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toBe("clawchat: stale.sec looks expired by this computer's clock (12m ago); trying anyway, the relay's clock decides");
      expect(lines[lines.length - 1]).toMatch(new RegExp(`cannot reach the relay at 127\\.0\\.0\\.1:${silent.port}`));
      expect(silent.received()).toBeGreaterThan(0); // dialled: a relay whose clock disagrees would have let it in
    } finally {
      silent.close();
    }
  });

  test('no .sec and no stored credential exits 3 and says how to start; a damaged credential file too', async () => {
    expectOneLineError(await client(['status']), 3, /no stored credential on this device/);
    mkdirSync(join(box.env.XDG_STATE_HOME as string, 'clawchat'), { recursive: true });
    writeFileSync(join(box.env.XDG_STATE_HOME as string, 'clawchat', 'credentials.json'), '{"version":1,"relays":[');
    expectOneLineError(await client(['cron', 'ls']), 3, /credentials\.json is damaged/);
  });

  test('CLAWCHAT_DEBUG=1 shows the stack of an error', async () => {
    const r = await client(['status', '--sec', join(box.dir, 'missing.sec')], { CLAWCHAT_DEBUG: '1' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('clawchat in a pseudo-terminal (tmux)', () => {
  let box: Sandbox;
  let tmux: TmuxSession | undefined;
  let hasTmux = false;
  beforeAll(async () => {
    ensureClientBundle();
    hasTmux = await TmuxSession.available();
  }, 120_000);
  beforeEach(() => {
    box = sandbox();
    mkdirSync(box.env.CLAWCHAT_SECURITY_DIR as string, { recursive: true });
  });
  afterEach(async () => {
    await tmux?.kill();
    tmux = undefined;
    box.cleanup();
  });

  test('no argument: the picker lists usable .sec files first, newest first, expired ones after; the key prompt is masked, an unreachable relay exits 3', async () => {
    if (!hasTmux) return console.warn('tmux is not installed: skipping the pseudo-terminal test');
    const silent = await silentUdpPort();
    try {
      const secDir = box.env.CLAWCHAT_SECURITY_DIR as string;
      await makeSec(join(secDir, 'older.sec'), { host: '127.0.0.1', port: 9 });
      await new Promise((r) => setTimeout(r, 20)); // distinct modification times
      const key = await makeSec(join(secDir, 'clawchat-current.sec'), { host: '127.0.0.1', port: silent.port });
      await new Promise((r) => setTimeout(r, 20));
      // The newest file of all, but expired: listed last, marked, not preselected.
      await makeSec(join(secDir, 'stale.sec'), { host: '127.0.0.1', port: 9 }, { expiredAgoMs: 12 * 60_000 + 20_000 });
      const env = { ...box.env, CLAWCHAT_HANDSHAKE_TIMEOUT_MS: String(SHORT_HANDSHAKE_MS), TERM: 'xterm-256color' };
      tmux = await TmuxSession.start([process.execPath, CLIENT_BUNDLE], { cols: 80, rows: 24, env, cwd: box.dir });
      const picker = await tmux.waitForText('Pick a .sec file');
      expect(picker).toMatch(/› clawchat-current\.sec\s+\.\/security\s+expires in 1[01]m/);
      expect(picker).toMatch(/^ {2}stale\.sec\s+\.\/security\s+expired 12m ago$/m);
      expect(picker.indexOf('clawchat-current.sec')).toBeLessThan(picker.indexOf('older.sec'));
      expect(picker.indexOf('older.sec')).toBeLessThan(picker.indexOf('stale.sec'));
      expect(picker).not.toContain('None of these');
      await tmux.sendKeys('Enter');
      await tmux.waitForText('Bootstrap key for');
      await tmux.sendText(key);
      const typed = await tmux.waitForText('*'.repeat(key.length));
      expect(typed).not.toContain(key);
      await tmux.sendKeys('Enter');
      await tmux.waitForText(`Connecting to 127.0.0.1:${silent.port}`);
      const screen = await tmux.waitForText(`cannot reach the relay at 127.0.0.1:${silent.port}`, SHORT_HANDSHAKE_MS + 10_000);
      expect(screen).not.toMatch(/\n\s+at /);
      expect(await tmux.waitForExit()).toBe(3);
    } finally {
      silent.close();
    }
  });

  test("only files that look unusable: nothing preselected, Enter waits; a picked one expired by this computer's clock is still tried after a note", async () => {
    if (!hasTmux) return console.warn('tmux is not installed: skipping the pseudo-terminal test');
    await makeSec(join(box.env.CLAWCHAT_SECURITY_DIR as string, 'clawchat-current.sec'), { host: '127.0.0.1', port: 9 }, { expiredAgoMs: 3 * 60_000 + 20_000 });
    tmux = await TmuxSession.start([process.execPath, CLIENT_BUNDLE], { cols: 100, rows: 24, env: { ...box.env, TERM: 'xterm-256color' }, cwd: box.dir });
    const picker = await tmux.waitForText('None of these looks usable any more — copy the newest clawchat-current.sec from the relay');
    expect(picker).toMatch(/^ {2}clawchat-current\.sec\s+\.\/security\s+expired 3m ago$/m);
    expect(picker).not.toContain('›');
    await tmux.sendKeys('Enter');
    await new Promise((r) => setTimeout(r, 300));
    expect(await tmux.exitStatus()).toBeUndefined(); // still choosing
    await tmux.sendKeys('Down');
    await tmux.waitForText('› clawchat-current.sec');
    await tmux.sendKeys('Enter');
    const screen = await tmux.waitForText('Bootstrap key for');
    expect(screen.replace(/\n/g, '')).toContain("clawchat-current.sec looks expired by this computer's clock (3m ago); trying anyway, the relay's clock decides"); // wrapped at 100 columns
  });

  test('Esc in the picker leaves quietly (exit 0); resize keeps the picker drawn', async () => {
    if (!hasTmux) return console.warn('tmux is not installed: skipping the pseudo-terminal test');
    await makeSec(join(box.env.CLAWCHAT_SECURITY_DIR as string, 'clawchat-current.sec'), { host: '127.0.0.1', port: 9 });
    tmux = await TmuxSession.start([process.execPath, CLIENT_BUNDLE], { cols: 100, rows: 30, env: box.env, cwd: box.dir });
    await tmux.waitForText('Pick a .sec file');
    await tmux.resize(60, 20);
    await tmux.waitForText('clawchat-current.sec');
    await tmux.sendKeys('Escape');
    expect(await tmux.waitForExit()).toBe(0);
  });
});
