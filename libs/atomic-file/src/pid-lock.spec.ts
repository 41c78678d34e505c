import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PidLockHeld, acquirePidLock } from './pid-lock';

describe('acquirePidLock', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-pidlock-'));
    file = join(dir, 'server.pid');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a second owner is refused while the first one lives; release removes the lock and no temp file stays', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const first = await acquirePidLock(file, sleeper.pid as number);
      const refused = await acquirePidLock(file).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PidLockHeld);
      expect((refused as PidLockHeld).pid).toBe(sleeper.pid);
      await first.release();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      sleeper.kill();
    }
  });

  test('starters racing for a free lock: exactly one wins, the others see a complete pid', async () => {
    const sleepers = Array.from({ length: 8 }, () => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }));
    try {
      const results = await Promise.allSettled(sleepers.map((s) => acquirePidLock(file, s.pid as number)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const owner = Number(readFileSync(file, 'utf8'));
      for (const r of results) if (r.status === 'rejected') expect((r.reason as PidLockHeld).pid).toBe(owner);
    } finally {
      for (const s of sleepers) s.kill();
    }
  });

  test('a lock left by a process that is gone is taken over, and released only by its owner', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(file, `${gone.pid}\n`);
    const lock = await acquirePidLock(file);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(file, '999999999\n'); // someone else's by now
    await lock.release();
    expect(existsSync(file)).toBe(true);
  });
});
