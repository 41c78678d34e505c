/** `clawchat status`: the relay's STATUS answer plus what this client knows (RTT, keys, provider). */
import { requestOk } from '../../connection/ok';
import type { ClientConnection } from '../../connection/types';
import { shortDuration } from '../../ui/state/time-format';
import { EXIT, type ExitCode } from '../exit-codes';
import { jsonLine, textLine, type Io } from '../io';

export async function runStatus(conn: ClientConnection, io: Io): Promise<ExitCode> {
  const relay = await requestOk(conn, { type: 'STATUS' });
  const local = conn.status();
  if (io.json) {
    jsonLine(io, { relay: local.relay, state: local.state, rttMs: local.rttMs, provider: local.provider, model: local.model, offline: local.offline === true, ...relay });
    return EXIT.OK;
  }
  const model = local.provider ? `${local.provider}${local.model ? `/${local.model}` : ''}${local.offline ? ' [offline provider]' : ''}` : 'unknown';
  const rows: [string, string][] = [
    ['relay', `${local.relay} (${local.state}${local.rttMs !== undefined ? `, rtt ${local.rttMs.toFixed(1)} ms` : ''})`],
    ['uptime', shortDuration(relay.uptimeMs)],
    ['keys', `age ${shortDuration(relay.keyAgeMs)}, next rotation in ${shortDuration(relay.nextRekeyMs)}`],
    ['sessions', String(relay.peers)],
    ['llm server', relay.llmReachable ? `reachable, ${model}` : 'UNREACHABLE'],
  ];
  for (const [name, value] of rows) textLine(io, `${name.padEnd(11)} ${value}`);
  return EXIT.OK;
}
