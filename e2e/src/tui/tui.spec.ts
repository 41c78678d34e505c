/**
 * The real client binary in a pseudo-terminal (tmux, CI cleared for the child) against a real relay
 * and LLM server, driven the way a person drives it, with the screen captured and asserted at every
 * step: pick the .sec, chat with a streamed reply, cancel it with Esc, switch tabs, download and
 * upload a file, run a cron job, resize to 80×24 and back, quit. Also the masked bootstrap-key
 * prompt, and `npm start` from scratch up to a connected chat screen and back down.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BUNDLES, ROOT, tempDir } from '../support/processes';
import { TestSystem } from '../support/system';
import { TmuxSession } from '../support/tmux';
import { QUICK_REPLY, SLOW_TRIGGER, SLOW_WORDS, startFakeProvider, type FakeProvider } from './fake-provider';
import { TAB_BAR, captureJoined, cellWidth, liveArea, screenLines, sha256File, waitForScreen } from './screen';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const tmuxTest = hasTmux ? test : test.skip;
if (!hasTmux) console.warn('tmux is not installed: skipping the terminal UI tests');

/** Each tab's key-help line, which tells which tab is showing. */
const HINT = {
  chat: 'Enter send · Ctrl+J newline',
  files: 'Enter open · Bksp up · d download · u upload',
  cron: 'r run now · e enable/disable',
};

/** The highest `wordN` of the slow reply on the screen (0 when none): how far the stream has got. */
function wordsShown(screen: string): number {
  return Math.max(0, ...[...screen.matchAll(/\bword(\d+)\b/g)].map((m) => Number(m[1])));
}

/**
 * Resize checks read the whole scrollback: a fragment of an old frame left behind stays there for
 * good, while on the visible screen new output could push it out of sight before the check looks.
 */
const HISTORY = { history: true };

/** Tab bars on the screen: the live area has one; more are fragments of frames not erased. */
function tabBarCount(screen: string): number {
  return screenLines(screen).filter((l) => TAB_BAR.test(l)).length;
}

/**
 * One live area and nothing left of earlier frames: a single tab bar, with exactly one blank row
 * (its top margin) between it and the scrollback. Rows of an old frame that were not erased show
 * up as a second tab bar or as extra blank rows there.
 */
function cleanLiveArea(screen: string): boolean {
  const lines = screenLines(screen);
  const bar = lines.findIndex((l) => TAB_BAR.test(l));
  return tabBarCount(screen) === 1 && bar >= 2 && lines[bar - 1].trim() === '' && lines[bar - 2].trim() !== '';
}

/** A clean environment for the client: no CI, no stray CLAWCHAT_* or API keys, a scratch HOME. */
function clientEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', TERM: 'xterm-256color', ...extra };
}

function ensureBundles(): void {
  for (const [app, file] of [
    ['llm-server', BUNDLES.llm],
    ['relay', BUNDLES.relay],
    ['client', BUNDLES.client],
  ] as const) {
    if (existsSync(file)) continue;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'tools/build/bundle.mjs'), app], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`building ${app} failed:\n${r.stderr}`);
  }
}

describe('clawchat terminal UI in a pseudo-terminal (real relay and LLM server)', () => {
  let sys: TestSystem | undefined;
  let tmux: TmuxSession | undefined;
  let fake: FakeProvider | undefined;
  let scratch: { dir: string; cleanup: () => void } | undefined;

  beforeAll(() => ensureBundles(), 180_000);

  afterEach(async () => {
    await tmux?.kill();
    await sys?.stop();
    await fake?.close();
    scratch?.cleanup();
    tmux = sys = fake = scratch = undefined;
  });

  tmuxTest(
    'picker → connected → streamed reply → Esc → tabs → download/upload → cron run → 80×24 and back → /quit',
    async () => {
      fake = await startFakeProvider();
      sys = await new TestSystem({
        llmEnv: { CLAWCHAT_LLM_PROVIDER: 'openai-compatible', CLAWCHAT_LLM_BASE_URL: fake.baseUrl, CLAWCHAT_LLM_MODEL: 'fake' },
      }).start();
      scratch = tempDir('clawchat-tui-');
      const home = path.join(scratch.dir, 'home');
      const downloads = path.join(scratch.dir, 'downloads');
      mkdirSync(home);
      mkdirSync(downloads);
      // A file in the remote sandbox to download, one on this laptop to upload; random, so a hash match means something.
      writeFileSync(path.join(sys.dirs.files, 'report.bin'), randomBytes(256 * 1024));
      const toUpload = path.join(scratch.dir, 'from-laptop.bin');
      writeFileSync(toUpload, randomBytes(100 * 1024));

      // No argument: the picker searches ./security, the current folder (the relay's security folder here) and ~/Downloads.
      tmux = await TmuxSession.start([process.execPath, BUNDLES.client], {
        cols: 100,
        rows: 30,
        cwd: sys.dirs.security,
        env: clientEnv(home, {
          XDG_STATE_HOME: path.join(scratch.dir, 'state'),
          CLAWCHAT_BOOTSTRAP_KEY: sys.bootstrapKey,
          CLAWCHAT_DOWNLOAD_DIR: downloads,
        }),
      });
      const t = tmux;

      // 1. The picker lists the .sec with its expiry; Enter connects.
      const picker = await t.waitForText('Pick a .sec file');
      expect(picker).toMatch(/› clawchat-current\.sec +\. +expires in \d+m/);
      await t.sendKeys('Enter');

      // 2. Connected: status line with the relay's address, tab bar with the provider and model.
      const relay = `127.0.0.1:${sys.relayPort}`;
      const statusLine = new RegExp(`● connected ${relay.replace(/\./g, '\\.')} · rtt \\d+ ms · keys \\d+s, rotate in [\\dhm]+`);
      const connected = await waitForScreen(t, 'connected status line with the provider', (s) => statusLine.test(s) && s.includes('openai-compatible/fake'), 20_000);
      expect(connected).toContain(`Connecting to ${relay}`);
      expect(connected).not.toContain('[offline provider]');
      expect(connected).toContain(HINT.chat);

      // 3. A reply that streams: seen growing between two captures, then cancelled with Esc.
      await t.sendText(`tell me a long ${SLOW_TRIGGER}`);
      await t.sendKeys('Enter');
      const early = await waitForScreen(t, 'the first words of the reply', (s) => wordsShown(s) >= 3);
      expect(early).toContain('› tell me a long story');
      expect(early).toContain('… replying · Esc to cancel');
      const later = await waitForScreen(t, 'more words of the reply', (s) => wordsShown(s) >= wordsShown(early) + 3);
      expect(wordsShown(later)).toBeGreaterThan(wordsShown(early));
      expect(later).not.toContain(`word${SLOW_WORDS.length}`);
      // Narrower while the reply streams: the live reply is laid out again, no stale frame is left behind.
      await t.resize(70, 30);
      const narrowStream = await waitForScreen(t, 'streaming at 70 columns', (s) => cleanLiveArea(s) && s.includes('… replying') && wordsShown(s) > wordsShown(later), 10_000, HISTORY);
      expect(liveArea(narrowStream).length).toBeGreaterThanOrEqual(4);
      for (const line of liveArea(await captureJoined(t))) expect(cellWidth(line.trimEnd())).toBeLessThanOrEqual(70);
      await t.resize(100, 30);
      await waitForScreen(t, 'streaming at 100 columns again', (s) => cleanLiveArea(s) && liveArea(s).some((l) => cellWidth(l.trimEnd()) > 70), 10_000, HISTORY);
      await t.sendKeys('Escape');
      const cancelled = await t.waitForText('Reply cancelled.');
      expect(cancelled).toContain(HINT.chat); // ready for the next message
      const stoppedAt = wordsShown(cancelled);
      expect(stoppedAt).toBeLessThan(SLOW_WORDS.length);
      await waitForScreen(t, 'the provider request aborted', () => fake?.aborted === 1);

      // A turn that finishes, for the scrollback check at the end.
      await t.sendText('quick question');
      await t.sendKeys('Enter');
      const answered = await t.waitForText(QUICK_REPLY);
      expect(answered).toContain('› quick question');
      await waitForScreen(t, 'the reply finished', (s) => !s.includes('… replying'));
      expect(wordsShown(await t.capture({ history: true }))).toBe(stoppedAt); // the cancelled stream stayed stopped

      // 4. Tabs: Tab → Files (lists the sandbox), Shift+Tab → Chat, F2 → Files.
      await t.sendKeys('Tab');
      const files = await waitForScreen(t, 'Files tab with report.bin', (s) => s.includes(HINT.files) && /›report\.bin +256 KiB/.test(s));
      expect(liveArea(files)[1]).toBe('/');
      await t.sendKeys('BTab');
      await t.waitForText(HINT.chat);
      await t.sendKeys('F2');
      await t.waitForText(HINT.files);

      // 5. Download: the prompt offers CLAWCHAT_DOWNLOAD_DIR; the file arrives intact.
      await t.sendKeys('d');
      await t.waitForText(`Download report.bin to folder: ${downloads}`);
      await t.sendKeys('Enter');
      const downloaded = await waitForScreen(t, 'download finished', (s) => /↓ report\.bin +done {2}256 KiB/.test(s));
      expect(downloaded).toContain(`Downloaded report.bin to ${path.join(downloads, 'report.bin')} (256 KiB).`);
      expect(sha256File(path.join(downloads, 'report.bin'))).toBe(sha256File(path.join(sys.dirs.files, 'report.bin')));

      // 6. Upload: u asks for a local path; the file lands in the sandbox and in the listing.
      await t.sendKeys('u');
      await t.waitForText('Upload local file to /:');
      await t.sendText(toUpload);
      await t.sendKeys('Enter');
      const uploaded = await waitForScreen(t, 'upload finished and listed', (s) => /↑ from-laptop\.bin +done {2}100 KiB/.test(s) && /^[ ›]from-laptop\.bin +100 KiB/m.test(s));
      expect(uploaded).toContain(`Uploaded ${toUpload} to from-laptop.bin.`);
      expect(sha256File(path.join(sys.dirs.files, 'from-laptop.bin'))).toBe(sha256File(toUpload));

      // 7. Crontab: the jobs of CRON.md; r runs the selected one, its CRON_EVENTs update the row; l shows its output.
      await t.sendKeys('F3');
      const cron = await waitForScreen(t, 'Crontab tab with the jobs', (s) => s.includes(HINT.cron) && s.includes('Weekly review'));
      expect(cron).toMatch(/›Morning briefing +0 7 \* \* 1-5 +in [^(]+\(.+\) +–/);
      expect(cron).toMatch(/ Weekly review +0 17 \* \* 5 +disabled/);
      await t.sendKeys('r');
      const ran = await waitForScreen(t, 'the job ran and its status is ok', (s) => /›Morning briefing .* ok\s*$/m.test(s));
      expect(ran).toContain('Started Morning briefing.');
      expect(fake.questions.some((q) => q.includes('Good morning!'))).toBe(true);
      await t.sendKeys('l');
      const log = await t.waitForText('last run of Morning briefing');
      expect(log).toMatch(/· ok\n/);
      expect(log.slice(log.indexOf('last run of'))).toContain(QUICK_REPLY);

      // 8. Resize to 80×24: laid out again at the new width, no fragments of the wider frame left over.
      await t.resize(80, 24);
      const narrow = await waitForScreen(
        t,
        'the Crontab tab relaid at 80 columns',
        (s) => cleanLiveArea(s) && s.includes(HINT.cron) && /›Morning briefing {4}0 7/.test(s),
        10_000,
        HISTORY,
      );
      expect(narrow).toContain(`● connected ${relay}`);
      const narrowLive = liveArea(await captureJoined(t)).map((l) => l.trimEnd());
      expect(narrowLive.length).toBeGreaterThanOrEqual(6);
      for (const line of narrowLive) expect(cellWidth(line)).toBeLessThanOrEqual(80);
      // The other tabs at 80×24 too.
      await t.sendKeys('F2');
      const narrowFiles = await waitForScreen(t, 'Files tab at 80 columns', (s) => s.includes(HINT.files) && cleanLiveArea(s), 10_000, HISTORY);
      for (const line of liveArea(await captureJoined(t))) expect(cellWidth(line.trimEnd())).toBeLessThanOrEqual(80);
      expect(narrowFiles).toMatch(/^[ ›]report\.bin +256 KiB/m);
      await t.sendKeys('F1');
      await waitForScreen(t, 'Chat tab at 80 columns', (s) => s.includes(HINT.chat) && cleanLiveArea(s), 10_000, HISTORY);
      // And back to 100×30: the tab bar spans the wider terminal again.
      await t.resize(100, 30);
      const wide = await waitForScreen(t, 'relaid at 100 columns', (s) => cleanLiveArea(s) && liveArea(s).some((l) => TAB_BAR.test(l) && cellWidth(l.trimEnd()) > 80), 10_000, HISTORY);
      expect(wide).toContain(HINT.chat);
      expect(wide).toContain(`● connected ${relay}`);

      // 9. /quit: exit status 0, and the finished turns are in the terminal's own scrollback.
      await t.sendText('/quit');
      await t.sendKeys('Enter');
      expect(await t.waitForExit()).toBe(0);
      const history = await t.capture({ history: true });
      expect(history).toContain('› tell me a long story');
      expect(history).toContain('Reply cancelled.');
      expect(history).toContain('› quick question');
      expect(history).toContain(QUICK_REPLY);
      expect(history).not.toContain('Error');
      expect(cleanLiveArea(history)).toBe(true); // the last frame, left by Ink on exit; no fragment of any other
    },
    90_000,
  );

  tmuxTest('80×24 from the start, no CLAWCHAT_BOOTSTRAP_KEY: a masked prompt asks for it; Ctrl+C twice exits 0', async () => {
    sys = await new TestSystem().start();
    scratch = tempDir('clawchat-tui-');
    tmux = await TmuxSession.start([process.execPath, BUNDLES.client, sys.secFile], {
      cols: 80,
      rows: 24,
      cwd: scratch.dir,
      env: clientEnv(scratch.dir, { XDG_STATE_HOME: path.join(scratch.dir, 'state') }),
    });
    const t = tmux;
    const key = sys.bootstrapKey;
    await t.waitForText(`Bootstrap key for ${sys.secFile}:`);
    await t.sendText(key);
    // One star per character (the prompt may wrap: count them), never the key itself.
    const typed = await waitForScreen(t, 'a star per typed character', (s) => (s.match(/\*/g) ?? []).length === key.length);
    expect(typed).not.toContain(key);
    await t.sendKeys('Enter');
    const connected = await waitForScreen(t, 'connected with the offline provider', (s) => s.includes('● connected') && s.includes('[offline provider] offline/offline'), 20_000);
    expect(connected).not.toContain(key);
    // The offline provider's reply has paragraphs wider than 80 columns: wrapped by the UI, never by the terminal.
    await t.sendText('hello at 80 columns');
    await t.sendKeys('Enter');
    await t.waitForText('You said: hello at 80 columns');
    const replied = await waitForScreen(t, 'reply finished', (s) => s.includes(HINT.chat) && s.includes('restart'));
    expect(cleanLiveArea(replied)).toBe(true);
    const joined = screenLines(await captureJoined(t));
    const ui = joined.slice(joined.findIndex((l) => l.startsWith('Connecting to')));
    expect(ui.join('\n')).toContain('You said: hello at 80 columns');
    for (const line of ui) expect(cellWidth(line.trimEnd())).toBeLessThanOrEqual(80);
    await t.sendKeys('C-c');
    await t.waitForText('Press Ctrl+C again to exit');
    await t.sendKeys('C-c');
    expect(await t.waitForExit()).toBe(0);
  }, 60_000);

  tmuxTest(
    'rotate-identity while connected: the TUI says to copy the new .sec and bootstrap key; next start the picker offers the new .sec and marks the used one; old .sec files stop before dialling',
    async () => {
      sys = await new TestSystem().start();
      scratch = tempDir('clawchat-tui-rotate-');
      const home = path.join(scratch.dir, 'home');
      const downloads = path.join(home, 'Downloads');
      mkdirSync(downloads, { recursive: true });
      // The .sec copied to the laptop, as in the deploy guide.
      const laptopSec = path.join(downloads, 'laptop.sec');
      copyFileSync(sys.secFile, laptopSec);
      const oldKey = sys.bootstrapKey;
      const state = path.join(scratch.dir, 'state');
      const env = (key: string) => clientEnv(home, { XDG_STATE_HOME: state, CLAWCHAT_BOOTSTRAP_KEY: key, CLAWCHAT_SECURITY_DIR: sys?.dirs.security as string });

      tmux = await TmuxSession.start([process.execPath, BUNDLES.client, laptopSec], { cols: 100, rows: 30, cwd: scratch.dir, env: env(oldKey) });
      await waitForScreen(tmux, 'connected', (s) => s.includes('● connected'), 20_000);
      // A .sec for another device, issued before the rotation, copied over (as the deploy guide says) and never used.
      const issuedOnRelay = /wrote (\S+\.sec)/.exec((await sys.admin(['issue'])).stdout)?.[1] as string;
      expect(issuedOnRelay).toBeTruthy();
      const issued = path.join(downloads, path.basename(issuedOnRelay));
      copyFileSync(issuedOnRelay, issued);

      const rotated = await sys.admin(['rotate-identity']);
      expect(rotated.code).toBe(0);
      // The relay deletes what it issued for its old identity; the copy elsewhere is the client's to judge.
      expect(existsSync(issuedOnRelay)).toBe(false);
      const newKey = sys.bootstrapKey;
      expect(newKey).not.toBe(oldKey);
      const told = await waitForScreen(tmux, 'the rotation notice', (s) => s.includes("the relay's identity was rotated"), 10_000);
      expect(told.replace(/\s+/g, ' ')).toContain(
        "the relay's identity was rotated (new relay key and bootstrap key), so this device's credential no longer works — copy the new clawchat-current.sec and the new bootstrap key (bootstrap.key in the relay's security folder; update CLAWCHAT_BOOTSTRAP_KEY if you set it)",
      );
      expect(told).not.toContain('compromise procedure');
      await tmux.sendKeys('C-c');
      await tmux.sendKeys('C-c');
      await tmux.waitForExit();
      await tmux.kill();

      // Old .sec files stop before dialling, each saying why.
      const cli = (args: string[], key: string) => sys?.cli(args, { env: { XDG_STATE_HOME: state, CLAWCHAT_BOOTSTRAP_KEY: key } }) as Promise<{ code: number | null; stderr: string }>;
      const used = await cli(['send', '--sec', laptopSec, 'hi'], newKey);
      expect(used.code).toBe(3);
      expect(used.stderr.trim()).toMatch(/^clawchat: laptop\.sec was already used by this device (\d+s ago|just now) \(each \.sec connects once\) — copy the newest clawchat-current\.sec/);
      const oldIssued = await cli(['send', '--sec', issued, 'hi'], oldKey);
      expect(oldIssued.code).toBe(3);
      expect(oldIssued.stderr.trim()).toMatch(/^clawchat: clawchat-\d+T\d+\.sec was issued before the relay's identity was rotated \((\d+s ago|just now)\), so it cannot connect — copy the new clawchat-current\.sec and the new bootstrap key/);
      const withNewKey = await cli(['send', '--sec', issued, 'hi'], newKey);
      expect(withNewKey.code).toBe(3);
      expect(withNewKey.stderr.trim()).toMatch(/wrong bootstrap key or the file was modified — check CLAWCHAT_BOOTSTRAP_KEY \(the relay's identity was rotated (\d+s ago|just now)/);

      // Next start: no credential, so the picker; the relay's fresh .sec first and selected, the used copy marked.
      tmux = await TmuxSession.start([process.execPath, BUNDLES.client], { cols: 110, rows: 30, cwd: scratch.dir, env: env(newKey) });
      const t = tmux;
      const picker = await t.waitForText('Pick a .sec file');
      const rows = screenLines(picker).filter((l) => /^(› | {2})\S+\.sec /.test(l));
      expect(rows[0]).toMatch(/^› clawchat-current\.sec +\S*security +expires in 1[01]m/);
      expect(rows[rows.length - 1]).toMatch(/^ {2}laptop\.sec +\S+\/Downloads +already used by this device (\d+s ago|just now)$/);
      await t.sendKeys('Enter');
      await waitForScreen(t, 'connected with the new identity', (s) => s.includes('● connected'), 20_000);
      await t.sendText('/quit');
      await t.sendKeys('Enter');
      expect(await t.waitForExit()).toBe(0);
    },
    90_000,
  );

  tmuxTest('npm start from a clean state reaches a connected chat; Ctrl+C twice stops all three processes', async () => {
    scratch = tempDir('clawchat-tui-dev-');
    const dev = path.join(scratch.dir, 'dev');
    const env: NodeJS.ProcessEnv = clientEnv(path.join(scratch.dir, 'home'), { CLAWCHAT_DEV_DIR: dev, CLAWCHAT_LLM_PROVIDER: 'offline' });
    tmux = await TmuxSession.start([process.execPath, path.join(ROOT, 'tools/dev/start.mjs')], { cols: 100, rows: 30, cwd: ROOT, env });
    const t = tmux;
    // start.mjs may rebuild stale bundles first.
    const screen = await waitForScreen(t, 'connected chat screen', (s) => s.includes('● connected 127.0.0.1:') && s.includes('[offline provider] offline/offline'), 90_000);
    expect(screen).toMatch(/LLM server on 127\.0\.0\.1:\d+, relay on 127\.0\.0\.1:\d+/);
    expect(screen).toContain(HINT.chat);
    const canSeeProcesses = existsSync('/proc/self/environ');
    if (canSeeProcesses) expect(devProcesses(dev).map((p) => p.role).sort()).toEqual(['client', 'llm-server', 'relay', 'start']);

    await t.sendText('hello from npm start');
    await t.sendKeys('Enter');
    await t.waitForText('You said: hello from npm start');

    await t.sendKeys('C-c');
    await t.waitForText('Press Ctrl+C again to exit');
    await t.sendKeys('C-c');
    expect(await t.waitForExit(15_000)).toBe(0);
    if (canSeeProcesses) await waitUntil(() => devProcesses(dev).length === 0, 10_000, () => `still running: ${JSON.stringify(devProcesses(dev))}`);
    expect(readFileSync(path.join(dev, 'logs', 'relay.log'), 'utf8')).toContain('ready port=');
  }, 150_000);
});

interface DevProcess {
  pid: number;
  role: 'start' | 'llm-server' | 'relay' | 'client';
}

/** The processes of one `npm start`, found by the CLAWCHAT_DEV_DIR in their environment (Linux /proc). */
function devProcesses(dev: string): DevProcess[] {
  const found: DevProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string;
    let cmdline: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'utf8');
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    const argv = cmdline.split('\0');
    // Node processes only: the tmux server and the shell running start.mjs carry the same environment.
    if (!environ.split('\0').includes(`CLAWCHAT_DEV_DIR=${dev}`) || argv[0] !== process.execPath) continue;
    const role = cmdline.includes('tools/dev/start.mjs')
      ? 'start'
      : cmdline.includes('llm-server/main.cjs')
        ? 'llm-server'
        : cmdline.includes('relay/main.cjs')
          ? 'relay'
          : cmdline.includes('client/main.mjs')
            ? 'client'
            : undefined;
    if (role) found.push({ pid: Number(name), role });
  }
  return found;
}

async function waitUntil(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((r) => setTimeout(r, 100));
  }
}
