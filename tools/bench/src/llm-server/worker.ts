/** Entry of every llm-server benchmark worker process: `llm-server-worker.cjs <role> <config json>`. */
import { workerArgs } from '../shared/worker-side';
import { runContextLoad, type ContextLoadConfig } from './roles/context-load';
import { runLinkTurns, type LinkTurnsConfig } from './roles/link-turns';

// Each role casts its own config: the orchestrator in the same bundle wrote it, so it has the right shape.
const roles: Record<string, (config: unknown) => Promise<void>> = {
  'link-turns': (c) => runLinkTurns(c as LinkTurnsConfig),
  'context-load': (c) => runContextLoad(c as ContextLoadConfig),
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
