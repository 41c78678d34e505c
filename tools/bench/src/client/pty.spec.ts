import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { PtySession, shellQuote } from './pty';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ptyTest = hasScript ? test : test.skip;

test('shellQuote leaves plain words alone and quotes the rest for sh', () => {
  expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
  expect(shellQuote("it's a test")).toBe(`'it'\\''s a test'`);
});

ptyTest('a program in the pseudo-terminal: its size, a frame counted, text awaited, keys received', async () => {
  const program = [
    'process.stdout.write(`size ${process.stdout.columns}x${process.stdout.rows} tty ${process.stdin.isTTY}\\n`);',
    'process.stdout.write("\\x1b[?2026hframe one\\x1b[?2026l\\n");',
    'process.stdin.setRawMode(true);',
    'process.stdin.on("data", (d) => { process.stdout.write(`got ${d}\\n`); if (String(d).includes("q")) process.exit(0); });',
    // Keys written before raw mode would wait in the line discipline for a newline.
    'process.stdout.write("keys please\\n");',
  ].join('');
  const pty = new PtySession([process.execPath, '-e', program], { cols: 100, rows: 30, env: { PATH: process.env.PATH }, cwd: os.tmpdir() });
  try {
    const sizeAt = await pty.waitForText('size 100x30 tty true', 3_000, { includeRecent: true });
    expect(sizeAt).toBeGreaterThan(pty.spawnedAt);
    await pty.waitForText('frame one', 3_000, { includeRecent: true });
    expect(pty.frames.count).toBe(1);
    expect(pty.firstFrameAt).toBeDefined();
    await pty.waitForText('keys please', 3_000, { includeRecent: true });
    const got = pty.waitForText('got a', 3_000);
    pty.write('a');
    await got;
    // Only new output counts by default: text already shown does not satisfy a new wait.
    await expect(pty.waitForText('got a', 200)).rejects.toThrow(/did not appear/);
    pty.write('q');
    expect(await pty.exited).toBe(0);
    expect(pty.exitedAt).toBeGreaterThan(pty.spawnedAt);
  } finally {
    await pty.kill();
  }
});

ptyTest('waitForText rejects with the last screen text when the text never comes', async () => {
  const pty = new PtySession([process.execPath, '-e', 'process.stdout.write("hello"); setTimeout(() => {}, 5000)'], { cols: 80, rows: 24, env: { PATH: process.env.PATH }, cwd: os.tmpdir() });
  try {
    await expect(pty.waitForText('never', 500)).rejects.toThrow(/"never" did not appear.*hello/);
  } finally {
    await pty.kill();
  }
});
