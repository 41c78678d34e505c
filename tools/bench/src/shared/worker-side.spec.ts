import { runWorkerRole, workerArgs, type WorkerRoles } from './worker-side';

function harness(roles: WorkerRoles, role: string, config: unknown) {
  const lines: string[] = [];
  const codes: number[] = [];
  const done = runWorkerRole(roles, { argv: ['node', 'worker.cjs', role, JSON.stringify(config)], error: (l) => lines.push(l), exit: (c) => void codes.push(c) });
  return { done, lines, codes };
}

test('plays the role named on argv with its config', async () => {
  const seen: unknown[] = [];
  const h = harness({ echo: async (c) => void seen.push(c) }, 'echo', { n: 3 });
  await h.done;
  expect(seen).toEqual([{ n: 3 }]);
  expect(h.codes).toEqual([]);
  expect(h.lines).toEqual([]);
});

test('an unknown role exits 2 naming it', async () => {
  const h = harness({ echo: async () => undefined }, 'ehco', {});
  await h.done;
  expect(h.codes).toEqual([2]);
  expect(h.lines).toEqual(['bench worker: unknown role "ehco"']);
});

test('a failing role exits 1 with one line saying why', async () => {
  const h = harness({ boom: async () => Promise.reject(new Error('port taken')) }, 'boom', {});
  await h.done;
  expect(h.codes).toEqual([1]);
  expect(h.lines).toEqual(['bench worker boom failed: port taken']);
});

test('workerArgs refuses a missing config', () => {
  expect(() => workerArgs(['node', 'worker.cjs', 'echo'])).toThrow(/expected <role> <config json>/);
});
