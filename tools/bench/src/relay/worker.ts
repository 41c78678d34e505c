/** Entry of every relay benchmark worker process: `relay-worker.cjs <role> <config json>`. */
import { runWorkerRole } from '../shared/worker-side';
import { runChatClient, type ChatClientConfig } from './roles/chat-client';
import { runIdleSessions, type IdleSessionsConfig } from './roles/idle-sessions';
import { runPlainClient, runPlainEcho, runPlainForwarder, type PlainClientConfig, type PlainEchoConfig, type PlainForwarderConfig } from './roles/plain-chain';

// Each role casts its own config: the orchestrator in the same bundle wrote it, so it has the right shape.
void runWorkerRole({
  'chat-client': (c) => runChatClient(c as ChatClientConfig),
  'plain-echo': (c) => runPlainEcho(c as PlainEchoConfig),
  'plain-forwarder': (c) => runPlainForwarder(c as PlainForwarderConfig),
  'plain-client': (c) => runPlainClient(c as PlainClientConfig),
  'idle-sessions': (c) => runIdleSessions(c as IdleSessionsConfig),
});
