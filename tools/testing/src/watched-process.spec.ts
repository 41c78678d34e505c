import { WatchedProcess, childEnv, spawnNode } from './watched-process';

const node = (script: string, stdin: 'pipe' | 'ignore' = 'ignore') => spawnNode(['-e', script], { env: childEnv(), stdin });

describe('WatchedProcess', () => {
  test('waits for a line on either stream and keeps both in the output', async () => {
    const p = new WatchedProcess('talker', node("console.log('out'); console.error('ready port=4242'); setInterval(() => {}, 1000)"));
    try {
      const m = await p.waitFor(/ready port=(\d+)/);
      expect(m[1]).toBe('4242');
      await p.waitFor(/out/);
      expect(p.running).toBe(true);
      expect(p.pid).toBeGreaterThan(0);
    } finally {
      await p.stop();
    }
    expect(p.running).toBe(false);
    expect(await p.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  test('says why it died when the program exits before the line', async () => {
    const p = new WatchedProcess('quitter', node("console.error('cannot start: port taken'); process.exit(3)"));
    await expect(p.waitFor(/ready/)).rejects.toThrow(/quitter exited before printing \/ready\/:\ncannot start: port taken/);
    expect((await p.exited).code).toBe(3);
  });

  test('gives up after the timeout, naming the program and what it printed', async () => {
    const p = new WatchedProcess('slow', node("console.error('still loading'); setInterval(() => {}, 1000)"));
    try {
      await expect(p.waitFor(/ready/, 300)).rejects.toThrow(/slow did not print \/ready\/ within 300 ms:\n[\s\S]*still loading/);
    } finally {
      await p.stop();
    }
  });

  test('stop() kills a program that ignores SIGTERM', async () => {
    const p = new WatchedProcess('stubborn', node("process.on('SIGTERM', () => {}); console.log('armed'); setInterval(() => {}, 1000)"));
    await p.waitFor(/armed/);
    await p.stop();
    expect((await p.exited).signal).toBe('SIGKILL');
  }, 15_000);

  test('keeps only the start of the output when capped', async () => {
    const p = new WatchedProcess('chatty', node("for (let i = 0; i < 2000; i++) console.log('x'.repeat(100)); console.error('end')"), { maxOutputChars: 1_000 });
    await p.exited;
    expect(p.output.length).toBeLessThan(70_000);
    expect(p.output.startsWith('x'.repeat(100))).toBe(true);
  });

  test('childEnv drops CLAWCHAT_DEBUG and adds the extra variables', () => {
    process.env.CLAWCHAT_DEBUG = '1';
    try {
      const env = childEnv({ EXTRA: 'yes' });
      expect(env.CLAWCHAT_DEBUG).toBeUndefined();
      expect(env.EXTRA).toBe('yes');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.CLAWCHAT_DEBUG;
    }
  });
});
