/** Connecting to the first relay address that answers (a .sec may list several, e.g. IPv4 and IPv6). */
import { ConnectError, unreachableMessage } from './connect-error';
import { RelayConnection, type ConnectTarget, type RelayConnectionOptions } from './relay-connection';
import { relayLabel } from './relay-address';

export async function connectToFirst(targets: ConnectTarget[], options: Omit<RelayConnectionOptions, 'target'>): Promise<RelayConnection> {
  let last: unknown;
  for (const target of targets) {
    try {
      return await RelayConnection.connect({ ...options, target });
    } catch (err) {
      // Only silence is worth trying the next address for; a refusal would be the same everywhere.
      if (!(err instanceof ConnectError) || err.kind !== 'UNREACHABLE') throw err;
      last = err;
    }
  }
  if (targets.length > 1) {
    const resuming = targets[0].credential.kind === 'resumption';
    throw new ConnectError('UNREACHABLE', unreachableMessage(targets.map((t) => relayLabel(t.host, t.port)).join(' or '), resuming));
  }
  throw last ?? new ConnectError('NO_CREDENTIAL', 'no relay address to connect to');
}
