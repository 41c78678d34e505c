/**
 * The Files tab: the remote sandbox listing, file operations behind prompts and confirmations,
 * and the transfers with their progress bars.
 *   Enter open folder · Backspace up · d download · u upload · Delete delete · r rename · m mkdir
 */
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { formatBytes } from '../../transfers';
import { useAppContext } from '../contexts/AppContext';
import type { FilesControls, RemoteEntry } from '../hooks/useFiles';
import { useKeypress } from '../hooks/useKeypress';
import { remoteJoin, type TransferControls } from '../hooks/useTransfers';
import { ConfirmPrompt, TextPrompt } from './TextPrompt';
import { TransferRow } from './ProgressBar';
import { absoluteTime } from '../state/time-format';

type Mode =
  | { kind: 'browse' }
  | { kind: 'prompt'; label: string; initial: string; then: (value: string) => Mode | void }
  | { kind: 'confirm'; question: string; action: () => void };

const BROWSE: Mode = { kind: 'browse' };
/** Header, column titles, key help, notice, prompt line. */
const FIXED_ROWS = 5;
const SIZE_WIDTH = 9;
const TIME_WIDTH = 11;

export interface FilesViewProps {
  files: FilesControls;
  transfers: TransferControls;
  /** Rows this view may use. */
  height: number;
  active: boolean;
}

function entryLine(entry: RemoteEntry, nameWidth: number, now: number): string {
  const shown = entry.kind === 'dir' ? `${entry.name}/` : entry.name;
  const chars = [...shown];
  const name = chars.length > nameWidth ? `${chars.slice(0, nameWidth - 1).join('')}…` : shown.padEnd(nameWidth);
  const size = entry.kind === 'dir' ? '' : formatBytes(entry.size);
  const time = absoluteTime(entry.mtime, now);
  return `${name} ${size.padStart(SIZE_WIDTH)} ${time.padStart(TIME_WIDTH)}`;
}

export function FilesView({ files, transfers, height, active }: FilesViewProps) {
  const { columns, theme, downloadDir } = useAppContext();
  const [mode, setMode] = useState<Mode>(BROWSE);
  const listRows = Math.max(1, height - FIXED_ROWS - transfers.transfers.length);

  useKeypress((key) => {
    const entry = files.current();
    if (key.name === 'up') return files.move(-1);
    if (key.name === 'down') return files.move(1);
    if (key.name === 'pageup') return files.move(-listRows);
    if (key.name === 'pagedown') return files.move(listRows);
    if (key.name === 'home') return files.select(0);
    if (key.name === 'end') return files.select(Number.MAX_SAFE_INTEGER);
    if (key.name === 'return' && entry) return files.open(entry);
    if (key.name === 'backspace') return files.up();
    if (key.name === 'delete' && entry) {
      const path = remoteJoin(files.cwd, entry.name);
      return setMode({
        kind: 'confirm',
        question: `Delete ${entry.kind === 'dir' ? 'folder' : 'file'} ${path}?`,
        action: () => void files.operate({ type: 'FILE_DELETE', path }, `Deleted ${path}.`),
      });
    }
    if (key.ctrl || key.meta) return;
    switch (key.text) {
      case 'd':
        if (entry?.kind === 'file') {
          const remote = remoteJoin(files.cwd, entry.name);
          setMode({
            kind: 'prompt',
            label: `Download ${entry.name} to folder:`,
            initial: downloadDir,
            then: (dir) => void transfers.download(remote, dir || downloadDir, entry.size),
          });
        }
        return;
      case 'u':
        return setMode({
          kind: 'prompt',
          label: `Upload local file to /${files.cwd}:`,
          initial: '',
          then: (local) => {
            if (local) void transfers.upload(local, files.cwd).then((ok) => ok && files.refresh());
          },
        });
      case 'm':
        return setMode({
          kind: 'prompt',
          label: 'New folder name:',
          initial: '',
          then: (name) => {
            if (!name) return;
            const path = remoteJoin(files.cwd, name);
            return { kind: 'confirm', question: `Create folder ${path}?`, action: () => void files.operate({ type: 'FILE_MKDIR', path }, `Created ${path}.`) };
          },
        });
      case 'r':
        if (!entry) return;
        return setMode({
          kind: 'prompt',
          label: `Rename ${entry.name} to:`,
          initial: entry.name,
          then: (name) => {
            if (!name || name === entry.name) return;
            const path = remoteJoin(files.cwd, entry.name);
            const to = remoteJoin(files.cwd, name);
            return { kind: 'confirm', question: `Rename ${path} to ${to}?`, action: () => void files.operate({ type: 'FILE_MOVE', path, to }, `Renamed to ${to}.`) };
          },
        });
      case 'g':
        return files.refresh();
    }
  }, active && mode.kind === 'browse');

  const nameWidth = Math.max(8, columns - SIZE_WIDTH - TIME_WIDTH - 4);
  const first = Math.max(0, Math.min(files.selected - Math.floor(listRows / 2), files.entries.length - listRows));
  const visible = files.entries.slice(first, first + listRows);
  const now = Date.now();

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-start" bold>
        {`/${files.cwd}`}
        {files.loading ? <Text dimColor> loading…</Text> : null}
      </Text>
      {files.entries.length === 0 && !files.loading ? <Text dimColor>(empty folder)</Text> : null}
      {visible.map((entry, i) => {
        const index = first + i;
        const selected = index === files.selected;
        return (
          <Text key={entry.name} wrap="truncate-end" inverse={selected} color={entry.kind === 'dir' ? theme.accent : undefined}>
            {selected ? '›' : ' '}
            {entryLine(entry, nameWidth, now)}
          </Text>
        );
      })}
      {transfers.transfers.map((t) => (
        <TransferRow key={t.id} transfer={t} />
      ))}
      {files.error ? (
        <Text wrap="truncate-end" color={theme.error}>
          {files.error}
        </Text>
      ) : files.notice ? (
        <Text wrap="truncate-end" dimColor>
          {files.notice}
        </Text>
      ) : null}
      {mode.kind === 'prompt' ? (
        <TextPrompt
          label={mode.label}
          initial={mode.initial}
          onCancel={() => setMode(BROWSE)}
          onSubmit={(value) => setMode(mode.then(value) ?? BROWSE)}
        />
      ) : mode.kind === 'confirm' ? (
        <ConfirmPrompt
          question={mode.question}
          onAnswer={(yes) => {
            setMode(BROWSE);
            if (yes) mode.action();
          }}
        />
      ) : (
        <Text wrap="truncate-end" dimColor>
          Enter open · Bksp up · d download · u upload · Del delete · r rename · m mkdir · g refresh
        </Text>
      )}
    </Box>
  );
}
