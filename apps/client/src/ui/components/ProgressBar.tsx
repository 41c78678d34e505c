/** A transfer's one-line progress: direction, name, bar, percent, bytes, speed and ETA. */
import React from 'react';
import { Box, Text } from 'ink';
import { formatBytes, formatDuration } from '../../transfers';
import { useAppContext } from '../contexts/AppContext';
import type { TransferView } from '../hooks/useTransfers';

const NAME_WIDTH = 18;
const MIN_BAR = 5;
const MAX_BAR = 30;

export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function fitName(name: string): string {
  const chars = [...name];
  return chars.length <= NAME_WIDTH ? name.padEnd(NAME_WIDTH) : `${chars.slice(0, NAME_WIDTH - 1).join('')}…`;
}

/** The parts of the line; the bar takes whatever width is left. */
export function transferLine(t: TransferView, width: number): { head: string; bar?: string; tail: string } {
  const head = `${t.direction === 'download' ? '↓' : '↑'} ${fitName(t.name)} `;
  const total = t.totalBytes;
  const bytes = total !== undefined ? `${formatBytes(t.bytesDone)} / ${formatBytes(total)}` : formatBytes(t.bytesDone);
  switch (t.phase) {
    case 'failed':
      return { head, tail: `failed: ${t.error ?? 'unknown error'}` };
    case 'done':
      return { head, tail: `done  ${formatBytes(total ?? t.bytesDone)}` };
    case 'waiting':
      return { head, tail: `waiting for the connection to resume at ${formatBytes(t.bytesDone)}` };
    case 'hashing':
      return { head, tail: `checksumming ${bytes}` };
    case 'committing':
      return { head, tail: 'verifying on the server…' };
    default: {
      const percent = total ? `${String(Math.floor((t.bytesDone / total) * 100)).padStart(3)}%` : '';
      const speed = `${formatBytes(t.bytesPerSecond)}/s`;
      const eta = t.etaSeconds !== undefined ? `ETA ${formatDuration(t.etaSeconds)}` : 'ETA --:--';
      const tail = ` ${[percent, bytes, speed, eta].filter(Boolean).join('  ')}`;
      const barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, width - head.length - tail.length - 2));
      return { head, bar: `[${progressBar(total ? t.bytesDone / total : 0, barWidth)}]`, tail };
    }
  }
}

export function TransferRow({ transfer }: { transfer: TransferView }) {
  const { columns, theme } = useAppContext();
  const line = transferLine(transfer, columns);
  const color = transfer.phase === 'failed' ? theme.error : transfer.phase === 'done' ? theme.ok : undefined;
  return (
    <Box width={columns}>
      <Text wrap="truncate-end">
        {line.head}
        {line.bar ? <Text color={theme.accent}>{line.bar}</Text> : null}
        <Text color={color}>{line.tail}</Text>
      </Text>
    </Box>
  );
}
