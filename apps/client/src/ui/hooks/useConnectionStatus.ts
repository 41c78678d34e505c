/** The connection's latest status and when it arrived (ages on screen count on from there). */
import { useEffect, useRef, useState } from 'react';
import type { ClientConnection, ConnectionStatus } from '../../connection/types';

export interface TimedStatus {
  status: ConnectionStatus;
  receivedAt: number;
}

export function useConnectionStatus(conn: ClientConnection, onChange?: (prev: ConnectionStatus, next: ConnectionStatus) => void): TimedStatus {
  const [timed, setTimed] = useState<TimedStatus>(() => ({ status: conn.status(), receivedAt: Date.now() }));
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    let previous = conn.status();
    return conn.onStatus((next) => {
      onChangeRef.current?.(previous, next);
      previous = next;
      setTimed({ status: next, receivedAt: Date.now() });
    });
  }, [conn]);
  return timed;
}
