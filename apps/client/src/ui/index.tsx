/** Entry for the interactive UI: the CLI calls `renderApp` once it holds a connection. */
import React from 'react';
import { render, type Instance } from 'ink';
import type { ClientConnection } from '../connection/types';
import { App, type AppOptions } from './App';
import { TerminalWatcher } from './terminal/terminal-watcher';

export type { AppOptions } from './App';

export interface RenderAppOptions extends AppOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Bracketed paste makes the terminal mark pastes, so an Enter inside a paste is text, not "send". */
const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/**
 * Renders the TUI in the normal screen (no alternate screen: the scrollback stays the user's).
 * Resolve `instance.waitUntilExit()` to learn when the user quit; the caller then closes `conn`.
 */
export function renderApp(conn: ClientConnection, options: RenderAppOptions = {}): Instance {
  const stdout = options.stdout ?? process.stdout;
  const pasteMarks = options.pasteMarks ?? stdout.isTTY === true;
  if (pasteMarks) stdout.write(BRACKETED_PASTE_ON);
  // Before render(): its resize listener must run before Ink's (see TerminalWatcher).
  const watcher = options.terminal ? undefined : new TerminalWatcher(stdout);
  const terminal = options.terminal ?? watcher;
  const start = () =>
    render(<App conn={conn} options={{ ...options, pasteMarks, terminal }} />, {
      // Ink spreads these over its defaults, so an explicit `undefined` would erase process.stdin.
      stdin: options.stdin ?? process.stdin,
      stdout,
      stderr: options.stderr ?? process.stderr,
      // Ctrl+C is ours: the first press warns, the second exits (see App).
      exitOnCtrlC: false,
    });
  const instance = watcher ? watcher.deferListenersOf(start) : start();
  const restore = () => {
    watcher?.dispose();
    if (pasteMarks) stdout.write(BRACKETED_PASTE_OFF);
  };
  instance.waitUntilExit().then(restore, restore);
  return instance;
}

export { App };
