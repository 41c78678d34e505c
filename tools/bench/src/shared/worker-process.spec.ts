import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerProcess } from './worker-process';

type Msg = { type: 'ready'; role: string; config: { n: number } } | { type: 'echo'; value: number } | { type: 'bye' };

describe('WorkerProcess', () => {
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'bench-worker-'));
    script = path.join(dir, 'worker.cjs');
    writeFileSync(
      script,
      `const [role, json] = process.argv.slice(2);
       process.send({ type: 'ready', role, config: JSON.parse(json) });
       process.on('message', (m) => {
         if (m.type === 'echo') process.send({ type: 'echo', value: m.value * 2 });
         if (m.type === 'stop') process.send({ type: 'bye' }, () => process.exit(0));
         if (m.type === 'crash') process.exit(3);
       });`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes role and config, answers by message type, and stops cleanly', async () => {
    const w = WorkerProcess.start<Msg>(script, 'demo', { n: 7 });
    expect(await w.next('ready')).toEqual({ type: 'ready', role: 'demo', config: { n: 7 } });
    w.send({ type: 'echo', value: 21 });
    expect((await w.next('echo')).value).toBe(42);
    const bye = w.next('bye');
    await w.stop();
    await expect(bye).resolves.toEqual({ type: 'bye' });
  });

  it('rejects a wait when the worker dies first', async () => {
    const w = WorkerProcess.start<Msg>(script, 'demo', { n: 1 });
    await w.next('ready');
    const never = w.next('echo');
    w.send({ type: 'crash' });
    await expect(never).rejects.toThrow(/exited \(code 3\)/);
  });

  it('gives up on a message that never comes', async () => {
    const w = WorkerProcess.start<Msg>(script, 'demo', { n: 1 }, { timeoutMs: 200 });
    await w.next('ready');
    await expect(w.next('echo')).rejects.toThrow(/sent no "echo" within 200 ms/);
    await w.stop();
  });
});
