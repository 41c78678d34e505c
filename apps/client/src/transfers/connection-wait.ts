/** Waiting for the session to come back, so a transfer can resume instead of failing. */
import { CONNECTION_LOST, errorCode, type ClientConnection } from '../connection/types';

/** Failures after which resuming from the current offset can succeed. */
export function isResumable(err: unknown): boolean {
  const code = errorCode(err);
  return code === CONNECTION_LOST || code === 'TIMEOUT';
}

/** Resolves once the connection is `connected`; rejects if it is closed for good. */
export function waitUntilConnected(conn: ClientConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    /** True once settled. */
    const check = (): boolean => {
      const { state, reason } = conn.status();
      if (state === 'connected') {
        resolve();
        return true;
      }
      if (state === 'closed') {
        reject(Object.assign(new Error(reason ?? 'The connection is closed; reconnect and retry the transfer.'), { code: CONNECTION_LOST }));
        return true;
      }
      return false;
    };
    if (check()) return;
    const unsubscribe = conn.onStatus(() => {
      if (check()) unsubscribe();
    });
  });
}
