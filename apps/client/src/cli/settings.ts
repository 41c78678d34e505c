/** Environment settings the client reads, each checked with a one-line error naming the variable. */
import { UsageError } from './usage-error';

export function handshakeTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.CLAWCHAT_HANDSHAKE_TIMEOUT_MS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) {
    throw new UsageError(`CLAWCHAT_HANDSHAKE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, got "${raw}"`);
  }
  return ms;
}

export const debugEnabled = (env: NodeJS.ProcessEnv): boolean => env.CLAWCHAT_DEBUG === '1' || env.CLAWCHAT_DEBUG === 'true';
