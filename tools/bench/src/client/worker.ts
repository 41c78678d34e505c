/** Entry of the client benchmark's worker process: `client-worker.cjs <role> <config json>`. */
import { runWorkerRole } from '../shared/worker-side';
import { runFakeProvider } from './roles/fake-provider';

void runWorkerRole({
  'fake-provider': () => runFakeProvider(),
});
