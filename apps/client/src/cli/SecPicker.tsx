/** The .sec picker shown by `clawchat` with no argument and no stored credential. */
import React from 'react';
import { Box, Text, render, useApp, useInput } from 'ink';
import { homedir } from 'node:os';
import { basename, dirname, relative } from 'node:path';
import { useSyncedState } from '../ui/hooks/useSyncedState';
import { relativeTime } from '../ui/state/time-format';
import type { SecCandidate } from './sec-files';

/** Where a file lives, short: `./security`, `~/Downloads`, or the absolute folder. */
export function shortFolder(path: string, cwd: string, home: string): string {
  const dir = dirname(path);
  const rel = relative(cwd, dir);
  if (rel === '') return '.';
  if (!rel.startsWith('..')) return `./${rel}`;
  if (dir === home || dir.startsWith(home + '/')) return `~${dir.slice(home.length)}`;
  return dir;
}

export function expiryText(c: SecCandidate, now: number): string {
  if (c.problem) return 'unreadable';
  if (c.expiresAt === undefined) return '';
  return c.expiresAt > now ? `expires ${relativeTime(c.expiresAt, now)}` : `expired ${relativeTime(c.expiresAt, now)}`;
}

export interface SecPickerProps {
  files: SecCandidate[];
  now: number;
  cwd: string;
  home: string;
  onDone: (path: string | null) => void;
}

export function SecPicker({ files, now, cwd, home, onDone }: SecPickerProps) {
  // Synced: Down and Enter arriving in one burst must pick the row Down moved to, before React re-renders.
  const [selected, selectedRef, setSelected] = useSyncedState(0);
  const { exit } = useApp();
  const finish = (path: string | null) => {
    onDone(path);
    exit();
  };
  useInput((input, key) => {
    if (key.upArrow) setSelected(Math.max(0, selectedRef.current - 1));
    else if (key.downArrow) setSelected(Math.min(files.length - 1, selectedRef.current + 1));
    else if (key.return) finish(files[selectedRef.current]?.path ?? null);
    else if (key.escape || (key.ctrl && input === 'c')) finish(null);
  });
  const nameWidth = Math.min(32, Math.max(...files.map((f) => basename(f.path).length)));
  const folderWidth = Math.min(28, Math.max(...files.map((f) => shortFolder(f.path, cwd, home).length)));
  return (
    <Box flexDirection="column">
      <Text>Pick a .sec file (↑/↓ then Enter, Esc to cancel):</Text>
      {files.map((f, i) => {
        const expired = f.problem !== undefined || (f.expiresAt !== undefined && f.expiresAt <= now);
        return (
          <Text key={f.path} wrap="truncate-end" inverse={i === selected} dimColor={expired && i !== selected}>
            {i === selected ? '› ' : '  '}
            {basename(f.path).padEnd(nameWidth)} {shortFolder(f.path, cwd, home).padEnd(folderWidth)} {expiryText(f, now)}
          </Text>
        );
      })}
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
