/**
 * The Files tab: the remote sandbox listing, file operations behind prompts and confirmations,
 * and the transfers with their progress bars.
 *   Enter open folder · Backspace up · d download · u upload · Delete delete · r rename · m mkdir
 * Replacing an existing file (upload, download, rename) and deleting a folder with everything inside
 * each take a second, explicit yes.
 */
import React, { useState } from 'react';
import { basename, join } from 'node:path';
import { Box, Text } from 'ink';
import { resolveLocalPath } from '../../paths/local-path';
import { formatBytes } from '../../transfers';
import { useAppContext } from '../contexts/AppContext';
import type { FilesControls, RemoteEntry } from '../hooks/useFiles';
import { useKeypress } from '../hooks/useKeypress';
import { remoteJoin, type TransferControls } from '../hooks/useTransfers';
import { ConfirmPrompt, TextPrompt } from './TextPrompt';
import { TransferRow } from './ProgressBar';
import { keyHintLines } from '../state/key-hints';
import { absoluteTime } from '../state/time-format';

type Mode =
  | { kind: 'browse' }
  | { kind: 'prompt'; label: string; initial: string; then: (value: string) => Mode | void }
  | { kind: 'confirm'; question: string; action: () => void };

const BROWSE: Mode = { kind: 'browse' };
/** Header, column titles, key help (one line of it; more when it wraps), notice, prompt line. */
const FIXED_ROWS = 5;
const KEY_HINTS = ['Enter open', 'Bksp up', 'd download', 'u upload', 'Del delete', 'r rename', 'm mkdir', 'g refresh'];
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
  const { columns, theme, downloadDir, localBase } = useAppContext();
  const [mode, setMode] = useState<Mode>(BROWSE);
  const hintLines = keyHintLines(KEY_HINTS, columns);
  const listRows = Math.max(1, height - FIXED_ROWS - (hintLines.length - 1) - transfers.transfers.length);

  /** Deletes `path`; a folder that is not empty gets a second question before everything inside goes. */
  const deleteEntry = (path: string, isFolder: boolean) =>
    void files.operate({ type: 'FILE_DELETE', path }, `Deleted ${path}.`, isFolder ? 'EXISTS' : undefined).then((outcome) => {
      if (outcome !== 'refused') return;
      setMode({
        kind: 'confirm',
        question: `${path}/ is not empty. Delete it and everything inside it?`,
        action: () => void files.operate({ type: 'FILE_DELETE', path, recursive: true }, `Deleted ${path} and everything inside it.`),
      });
    });

  const rename = (path: string, to: string) =>
    void files.operate({ type: 'FILE_MOVE', path, to }, `Renamed to ${to}.`, 'EXISTS').then((outcome) => {
      if (outcome !== 'refused') return;
      setMode({
        kind: 'confirm',
        question: `${to} already exists. Replace it with ${path}?`,
        action: () => void files.operate({ type: 'FILE_MOVE', path, to, overwrite: true }, `Renamed to ${to}.`),
      });
    });

  /** Downloads into `dir`; a local file of that name is replaced only after a yes. */
  const download = (remote: string, dir: string, size: number, overwrite = false) =>
    void transfers.download(remote, dir, size, overwrite).then((outcome) => {
      if (outcome !== 'exists') return;
      const local = join(dir, remote.split('/').pop() ?? remote);
      setMode({ kind: 'confirm', question: `${local} already exists. Replace it?`, action: () => download(remote, dir, size, true) });
    });

  /** Uploads into the current folder; a file of that name there is replaced only after a yes. */
  const upload = (local: string, remoteDir: string, overwrite = false) =>
    void transfers.upload(local, remoteDir, overwrite).then((outcome) => {
      if (outcome === 'done') files.refresh();
      if (outcome === 'exists') setMode(replaceRemote(local, remoteDir));
    });

  const replaceRemote = (local: string, remoteDir: string): Mode => ({
    kind: 'confirm',
    question: `/${remoteJoin(remoteDir, basename(local))} already exists. Replace it?`,
    action: () => upload(local, remoteDir, true),
  });

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
      const isFolder = entry.kind === 'dir';
      return setMode({ kind: 'confirm', question: `Delete ${isFolder ? 'folder' : 'file'} ${path}?`, action: () => deleteEntry(path, isFolder) });
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
            then: (dir) => download(remote, resolveLocalPath(dir || downloadDir, localBase), entry.size),
          });
        }
        return;
      case 'u': {
        const remoteDir = files.cwd;
        return setMode({
          kind: 'prompt',
          label: `Upload local file to /${remoteDir}:`,
          initial: '',
          then: (typed) => {
            if (!typed) return;
            const local = resolveLocalPath(typed, localBase);
            // Ask before hashing a big file only to hear that the name is taken (the listing knows).
            if (files.entries.some((e) => e.kind === 'file' && e.name === basename(local))) return replaceRemote(local, remoteDir);
            upload(local, remoteDir);
          },
        });
      }
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
            return { kind: 'confirm', question: `Rename ${path} to ${to}?`, action: () => rename(path, to) };
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
        hintLines.map((line) => (
          <Text key={line} wrap="truncate-end" dimColor>
            {line}
          </Text>
        ))
      )}
    </Box>
  );
}
