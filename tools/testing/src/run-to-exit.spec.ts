import { runToExit } from './run-to-exit';
import { spawnNode } from './watched-process';

test('collects stdout, stderr and the exit code; stdin gets the input', async () => {
  const child = spawnNode(['-e', "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => { console.log('got ' + s); console.error('warn'); process.exit(4); })"]);
  const r = await runToExit(child, { input: 'hello', timeoutMs: 20_000 }).done;
  expect(r).toMatchObject({ code: 4, stdout: 'got hello\n', stderr: 'warn\n' });
  expect(r.ms).toBeGreaterThanOrEqual(0);
});

test('kills a program that outlives the timeout', async () => {
  const child = spawnNode(['-e', "console.log('started'); setInterval(() => {}, 1000)"], { stdin: 'ignore' });
  const run = runToExit(child, { timeoutMs: 500 });
  const r = await run.done;
  expect(r.code).toBeNull();
  expect(child.signalCode).toBe('SIGKILL');
  expect(run.output()).toBe('started\n');
});
