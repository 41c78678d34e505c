/** Entry of every llm-server benchmark worker process: `llm-server-worker.cjs <role> <config json>`. */
import { runWorkerRole } from '../shared/worker-side';
import { runContextLoad, type ContextLoadConfig } from './roles/context-load';
import { runLinkTurns, type LinkTurnsConfig } from './roles/link-turns';

// Each role casts its own config: the orchestrator in the same bundle wrote it, so it has the right shape.
void runWorkerRole({
  'link-turns': (c) => runLinkTurns(c as LinkTurnsConfig),
  'context-load': (c) => runContextLoad(c as ContextLoadConfig),
});
