/**
 * Many idle sessions on the relay from one process. One device key connects once with the .sec and
 * then opens every further session with its resumption credential (one peer may hold several sessions,
 * told apart by receiver index). They are opened one after another, each confirmed by a PING/PONG
 * before the next initiation: the relay drops an unconfirmed session when the same identity sends a
 * newer initiation, so opening them in parallel would cancel each other.
 */
import { performance } from 'node:perf_hooks';
import { onCommands, reply } from '../../shared/worker-side';
import { SessionClient } from '../session-client';

export interface IdleSessionsConfig {
  secFile: string;
  bootstrapKey: string;
}

export async function runIdleSessions(c: IdleSessionsConfig): Promise<void> {
  const sessions: SessionClient[] = [];
  const first = await SessionClient.fromSec(c.secFile, c.bootstrapKey);
  await first.request({ type: 'PING', t: Date.now() }, ['PONG']);
  const resumption = first.resumption;
  if (!resumption) throw new Error('the relay handed out no resumption credential');
  // The ticket session is not one of the measured ones: the baseline is a relay with no session.
  await first.close();

  const open = async (count: number) => {
    const start = performance.now();
    let failed = 0;
    let firstError: string | undefined;
    for (let i = 0; i < count; i++) {
      try {
        const s = await SessionClient.resume(resumption, first.device);
        sessions.push(s);
        await s.request({ type: 'PING', t: Date.now() }, ['PONG'], 10_000);
      } catch (err) {
        failed++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
    await reply({ type: 'opened', opened: count - failed, failed, elapsedMs: performance.now() - start, firstError });
  };
  onCommands(
    (m) => {
      if (m.type === 'open') void open(Number(m.count));
    },
    async () => {
      for (const s of sessions) await s.close();
    },
  );
  await reply({ type: 'ready', port: 0 });
}
