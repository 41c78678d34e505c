import React from 'react';
import { Box, Text } from 'ink';
import type { ConnectionStatus } from '../../connection/types';
import { useAppContext } from '../contexts/AppContext';
import { useNow } from '../hooks/useNow';
import { statusParts } from '../state/status';

/** Key age is shown in seconds at best, so a 1 s tick is enough. */
const TICK_MS = 1000;

export interface StatusLineProps {
  status: ConnectionStatus;
  /** When the status arrived, so key ages keep counting between updates. */
  receivedAt: number;
  /** Replaces the right-hand details, e.g. "Press Ctrl+C again to exit". */
  hint?: string;
}

export function StatusLine({ status, receivedAt, hint }: StatusLineProps) {
  const { theme } = useAppContext();
  const now = useNow(TICK_MS);
  const parts = statusParts(status, Math.max(0, now - receivedAt));
  const stateColor = status.state === 'connected' ? theme.ok : status.state === 'closed' ? theme.error : theme.warn;
  const details = [parts.relay, parts.rtt, parts.keys].filter(Boolean).join(' · ');
  return (
    <Box>
      <Text wrap="truncate-end">
        <Text color={stateColor}>● {parts.state}</Text>
        {hint ? <Text bold> {hint}</Text> : <Text dimColor> {details}</Text>}
      </Text>
    </Box>
  );
}
