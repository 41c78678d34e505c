import React from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { FakeConnection } from '../../testing/fake-connection';
import { AppProvider } from '../contexts/AppContext';
import type { TransferView } from '../hooks/useTransfers';
import { makeTheme } from '../theme';
import { TransferRow, progressBar } from './ProgressBar';

function renderRow(transfer: TransferView, columns = 80): string {
  const value = { conn: new FakeConnection(), theme: makeTheme(true), columns, rows: 24, downloadDir: '/tmp', localBase: '/tmp' };
  const ui = render(
    <AppProvider value={value}>
      <TransferRow transfer={transfer} />
    </AppProvider>,
  );
  const frame = stripVTControlCharacters(ui.lastFrame() ?? '');
  ui.unmount();
  return frame;
}

const MiB = 1024 * 1024;
const running: TransferView = {
  id: 1,
  direction: 'download',
  name: 'report.pdf',
  phase: 'transferring',
  bytesDone: 1.2 * MiB,
  totalBytes: 2.7 * MiB,
  bytesPerSecond: 0.5 * MiB,
  etaSeconds: 3,
};

test('progressBar fills in proportion', () => {
  expect(progressBar(0.5, 10)).toBe('█████░░░░░');
  expect(progressBar(1.5, 4)).toBe('████');
});

test('a running transfer shows bar, percent, bytes, speed and ETA within 80 columns', () => {
  const line = renderRow(running);
  expect(line).toMatch(/^↓ report\.pdf\s+\[█+░+\]\s+44%\s+1\.2 MiB \/ 2\.7 MiB\s+512 KiB\/s\s+ETA 0:03$/);
  expect(line.length).toBeLessThanOrEqual(80);
  expect(line.length).toBeGreaterThan(70); // the bar takes the spare width
});

test('a narrow terminal truncates instead of wrapping', () => {
  const line = renderRow({ ...running, name: 'a-very-long-file-name-that-goes-on.tar.gz' }, 50);
  expect(line.split('\n')).toHaveLength(1);
  expect(line.length).toBeLessThanOrEqual(50);
  expect(line).toContain('a-very-long-file-…');
});

test('waiting, failed and done states say what happened', () => {
  expect(renderRow({ ...running, phase: 'waiting' })).toContain('waiting for the connection to resume at 1.2 MiB');
  expect(renderRow({ ...running, phase: 'failed', error: 'disk full' })).toContain('failed: disk full');
  expect(renderRow({ ...running, phase: 'done', direction: 'upload' })).toMatch(/^↑ report\.pdf\s+done\s+2\.7 MiB$/);
});
