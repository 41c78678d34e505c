import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireInstanceLock } from './instance-lock';

describe('acquireInstanceLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a second server on the same state folder is refused while the first one lives', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const first = await acquireInstanceLock(dir, sleeper.pid as number);
      await expect(acquireInstanceLock(dir)).rejects.toThrow(new RegExp(`another clawchat-llm \\(pid ${sleeper.pid}\\) is already using the state folder`));
      await first.release();
      expect(existsSync(join(dir, 'llm-server.pid'))).toBe(false);
    } finally {
      sleeper.kill();
    }
  });

  test('a lock left by a process that is gone is taken over, and released only by its owner', async () => {
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    writeFileSync(join(dir, 'llm-server.pid'), `${gone.pid}\n`);
    const lock = await acquireInstanceLock(dir);
    expect(readFileSync(join(dir, 'llm-server.pid'), 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(join(dir, 'llm-server.pid'), '999999999\n'); // someone else's by now
    await lock.release();
    expect(existsSync(join(dir, 'llm-server.pid'))).toBe(true);
  });
});
