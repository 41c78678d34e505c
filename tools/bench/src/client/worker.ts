/** Entry of the client benchmark's worker process: `client-worker.cjs <role> <config json>`. */
import { workerArgs } from '../shared/worker-side';
import { runFakeProvider } from './roles/fake-provider';

const roles: Record<string, (config: unknown) => Promise<void>> = {
  'fake-provider': () => runFakeProvider(),
};

const { role, config } = workerArgs();
const run = roles[role];
if (!run) {
  console.error(`bench worker: unknown role "${role}"`);
  process.exit(2);
}
run(config).catch((err: unknown) => {
  console.error(`bench worker ${role} failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
