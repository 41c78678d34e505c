import React from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { FakeConnection } from '../../testing/fake-connection';
import { AppProvider } from '../contexts/AppContext';
import { emptyEditor } from '../state/editor';
import { makeTheme } from '../theme';
import { InputEditor } from './InputEditor';

function frameOf(text: string, cursor: number, maxRows: number): string[] {
  const value = { conn: new FakeConnection(), theme: makeTheme(true), columns: 80, rows: 24, downloadDir: '/tmp', localBase: '/tmp' };
  const ui = render(
    <AppProvider value={value}>
      <InputEditor state={{ ...emptyEditor(), text, cursor }} maxRows={maxRows} />
    </AppProvider>,
  );
  const lines = stripVTControlCharacters(ui.lastFrame() ?? '').split('\n');
  ui.unmount();
  return lines;
}

const paste = Array.from({ length: 400 }, (_, i) => `line ${i + 1}`).join('\n');

test('a paste taller than the box says how much is above and below, within the same height', () => {
  const atEnd = frameOf(paste, paste.length, 6);
  expect(atEnd).toHaveLength(6);
  expect(atEnd[4]).toContain('line 400');
  expect(atEnd[5]).toBe('  400 lines: 395 above (↑/↓ to move)');
  const atStart = frameOf(paste, 0, 6);
  expect(atStart[0]).toContain('› line 1');
  expect(atStart[5]).toBe('  400 lines: 395 below (↑/↓ to move)');
});

test('a text that fits shows no count', () => {
  const lines = frameOf('one\ntwo', 7, 6);
  expect(lines).toHaveLength(2);
  expect(lines.join('\n')).not.toMatch(/lines:/);
});
