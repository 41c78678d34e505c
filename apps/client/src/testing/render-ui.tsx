/** Rendering the TUI in tests with ink-testing-library, plus waiting and typing helpers. */
import React from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { App, type AppOptions } from '../ui/App';
import type { FakeConnection } from './fake-connection';

export const KEYS = {
  enter: '\r',
  ctrlJ: '\n',
  altEnter: '\x1b\r',
  tab: '\t',
  shiftTab: '\x1b[Z',
  esc: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  backspace: '\x7f',
  delete: '\x1b[3~',
  f1: '\x1bOP',
  f2: '\x1bOQ',
  f3: '\x1bOR',
  ctrlC: '\x03',
} as const;

/** Lets Ink's input parser (it flushes a lone ESC on setImmediate) and React finish their work. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

/** Polls `check` until it stops throwing; the last failure is rethrown after `timeoutMs`. */
export async function waitFor(check: () => void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await settle();
    }
  }
}

export async function renderUi(conn: FakeConnection, options: AppOptions = {}) {
  const ui = render(<App conn={conn} options={{ columns: 80, rows: 24, noColor: true, ...options }} />);
  await settle(); // effects (raw mode, input listeners) run after the first render
  const frame = () => stripVTControlCharacters(ui.lastFrame() ?? '');
  return {
    ...ui,
    frame,
    async press(...keys: string[]) {
      for (const key of keys) {
        ui.stdin.write(key);
        await settle();
      }
    },
    async type(text: string) {
      for (const ch of text) {
        ui.stdin.write(ch);
      }
      await settle();
    },
  };
}
