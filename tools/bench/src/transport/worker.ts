/** Entry of every transport benchmark worker process: `transport-worker.cjs <role> <config json>`. */
import { runWorkerRole } from '../shared/worker-side';
import { runDhBaseline, type DhConfig } from './roles/dh';
import { runHandshakeInitiator, runHandshakeResponder, type HandshakeInitiatorConfig, type HandshakeResponderConfig } from './roles/handshake';
import { runMemoryInitiators, runMemoryResponder, type MemoryInitiatorsConfig, type MemoryResponderConfig } from './roles/memory';
import { runRawReceiver, runRawSender, type RawReceiverConfig, type RawSenderConfig } from './roles/raw';
import { runSessionReceiver, runSessionSender, type SessionReceiverConfig, type SessionSenderConfig } from './roles/session-throughput';

// Each role casts its own config: the orchestrator in the same bundle wrote it, so it has the right shape.
void runWorkerRole({
  'raw-receiver': (c) => runRawReceiver(c as RawReceiverConfig),
  'raw-sender': (c) => runRawSender(c as RawSenderConfig),
  'session-receiver': (c) => runSessionReceiver(c as SessionReceiverConfig),
  'session-sender': (c) => runSessionSender(c as SessionSenderConfig),
  'handshake-responder': (c) => runHandshakeResponder(c as HandshakeResponderConfig),
  'handshake-initiator': (c) => runHandshakeInitiator(c as HandshakeInitiatorConfig),
  dh: (c) => runDhBaseline(c as DhConfig),
  'memory-responder': (c) => runMemoryResponder(c as MemoryResponderConfig),
  'memory-initiators': (c) => runMemoryInitiators(c as MemoryInitiatorsConfig),
});
