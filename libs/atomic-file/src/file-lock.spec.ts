import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { FileLockTimeout, withFileLock } from './file-lock';

describe('withFileLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('sections never overlap, also across processes, and no update is lost', async () => {
    const counter = join(dir, 'counter');
    const lock = join(dir, 'counter.lock');
    writeFileSync(counter, '0');
    // Each section reads, yields to the event loop (where another writer would slip in), then writes.
    const bump = () =>
      withFileLock(lock, async () => {
        const n = Number(readFileSync(counter, 'utf8'));
        await new Promise((resolve) => setTimeout(resolve, 1));
        writeFileSync(counter, String(n + 1));
      });
    // The same loop in a second process, with this very module bundled in.
    const bundle = buildSync({ entryPoints: [join(__dirname, 'file-lock.ts')], bundle: true, platform: 'node', format: 'cjs', write: false });
    const program = `${bundle.outputFiles[0].text}
      const { readFileSync, writeFileSync } = require('node:fs');
      const lockApi = module.exports;
      (async () => {
        for (let i = 0; i < 20; i++)
          await lockApi.withFileLock(${JSON.stringify(lock)}, async () => {
            const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
            await new Promise((r) => setTimeout(r, 1));
            writeFileSync(${JSON.stringify(counter)}, String(n + 1));
          });
      })();`;
    const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'ignore', 'inherit'] });
    await Promise.all([...Array.from({ length: 20 }, bump), new Promise((resolve) => child.on('exit', resolve))]);
    expect(Number(readFileSync(counter, 'utf8'))).toBe(40);
    expect(existsSync(lock)).toBe(false);
  });

  test('a lock left by a dead process is taken over once stale; a live one times out with its name', async () => {
    const lock = join(dir, 'x.lock');
    writeFileSync(lock, '99999\n');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran')).resolves.toBe('ran');
    writeFileSync(lock, '99999\n'); // fresh: somebody is inside
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(FileLockTimeout);
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 100 })).rejects.toThrow(/x\.lock is held by another process/);
  });

  test('many waiters finding the same stale lock: still one section at a time, and no lock is left behind', async () => {
    const lock = join(dir, 'y.lock');
    writeFileSync(lock, 'dead 0\n');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(lock, old, old);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        withFileLock(lock, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 2));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
    expect(existsSync(`${lock}.takeover`)).toBe(false);
  });
});
