/**
 * The .sec picker shown by `clawchat` with no argument and no stored credential. Files that may connect
 * come first, newest first, and the first of them is selected; the ones this device knows cannot
 * (expired, used by this device, refused by the relay, unreadable) follow, dimmed and saying why, and
 * are never preselected. They can still be picked: the relay has the last word.
 */
import React, { useMemo } from 'react';
import { Box, Text, render, useApp, useInput } from 'ink';
import { homedir } from 'node:os';
import { basename, dirname, relative } from 'node:path';
import { NEW_SEC } from '../connection/connect-error';
import { useSyncedState } from '../ui/hooks/useSyncedState';
import { pickerOrder, type SecCandidate } from './sec-files';
import { secVerdict, verdictNote } from './sec-verdict';

/** Where a file lives, short: `./security`, `~/Downloads`, or the absolute folder. */
export function shortFolder(path: string, cwd: string, home: string): string {
  const dir = dirname(path);
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  if (!rel.startsWith('..')) return `./${rel}`;
  if (dir === home || dir.startsWith(home + '/')) return `~${dir.slice(home.length)}`;
  return dir;
}

/** The note after a file's name and folder: its expiry, or why it cannot connect. */
export function expiryText(c: SecCandidate, now: number): string {
  return verdictNote(secVerdict(c, now), now);
}

export interface SecPickerProps {
  files: SecCandidate[];
  now: number;
  cwd: string;
  home: string;
  onDone: (path: string | null) => void;
}

export function SecPicker({ files: given, now, cwd, home, onDone }: SecPickerProps) {
  const rows = useMemo(() => pickerOrder(given, now).map((f) => ({ file: f, usable: secVerdict(f, now).usable })), [given, now]);
  const files = rows.map((r) => r.file);
  const anyUsable = rows.some((r) => r.usable);
  // Synced: Down and Enter arriving in one burst must pick the row Down moved to, before React re-renders.
  // -1 (nothing selected) when no file may connect: Enter then does nothing until an arrow picks one.
  const [selected, selectedRef, setSelected] = useSyncedState(anyUsable ? 0 : -1);
  const { exit } = useApp();
  const finish = (path: string | null) => {
    onDone(path);
    exit();
  };
  useInput((input, key) => {
    if (key.upArrow) setSelected(Math.max(0, selectedRef.current - 1));
    else if (key.downArrow) setSelected(Math.min(files.length - 1, selectedRef.current + 1));
    else if (key.return) {
      if (selectedRef.current >= 0) finish(files[selectedRef.current]?.path ?? null);
    } else if (key.escape || (key.ctrl && input === 'c')) finish(null);
  });
  const nameWidth = Math.min(32, Math.max(...files.map((f) => basename(f.path).length)));
  const folderWidth = Math.min(28, Math.max(...files.map((f) => shortFolder(f.path, cwd, home).length)));
  return (
    <Box flexDirection="column">
      <Text>Pick a .sec file (↑/↓ then Enter, Esc to cancel):</Text>
      {rows.map(({ file: f, usable }, i) => (
        <Text key={f.path} wrap="truncate-end" inverse={i === selected} dimColor={!usable && i !== selected}>
          {i === selected ? '› ' : '  '}
          {basename(f.path).padEnd(nameWidth)} {shortFolder(f.path, cwd, home).padEnd(folderWidth)} {expiryText(f, now)}
        </Text>
      ))}
      {!anyUsable && <Text wrap="wrap">{`None of these looks usable any more — ${NEW_SEC}.`}</Text>}
    </Box>
  );
}

/** Renders the picker until the user chooses; null when cancelled. */
export async function pickSecFile(files: SecCandidate[], cwd: string = process.cwd()): Promise<string | null> {
  let chosen: string | null = null;
  const instance = render(<SecPicker files={files} now={Date.now()} cwd={cwd} home={homedir()} onDone={(p) => (chosen = p)} />, { exitOnCtrlC: false });
  await instance.waitUntilExit();
  instance.cleanup();
  return chosen;
}
