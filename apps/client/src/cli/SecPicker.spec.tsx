import React from 'react';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { settle, waitFor } from '../testing/render-ui';
import { SecPicker, expiryText, shortFolder } from './SecPicker';

test('lists files with folder and expiry; Down then Enter picks the second', async () => {
  const now = 10_000_000;
  const files = [
    { path: '/work/security/clawchat-current.sec', mtimeMs: 3, expiresAt: now + 9 * 60_000 },
    { path: '/home/u/Downloads/old.sec', mtimeMs: 2, expiresAt: now - 2 * 3_600_000 },
  ];
  let picked: string | null | undefined;
  const ui = render(<SecPicker files={files} now={now} cwd="/work" home="/home/u" onDone={(p) => (picked = p)} />);
  await waitFor(() => expect(ui.lastFrame()).toContain('old.sec'));
  const frame = ui.lastFrame() ?? '';
  expect(frame).toMatch(/› clawchat-current\.sec\s+\.\/security\s+expires in 9m/);
  expect(frame).toMatch(/old\.sec\s+~\/Downloads\s+expired 2h00m ago/);
  ui.stdin.write('\x1b[B\r'); // one burst, as a fast typist or a paste delivers it
  await waitFor(() => expect(picked).toBe('/home/u/Downloads/old.sec'));
  ui.unmount();
});

test('Esc cancels; folder and expiry texts', async () => {
  let picked: string | null | undefined;
  const ui = render(<SecPicker files={[{ path: '/x/a.sec', mtimeMs: 1, problem: 'bad' }]} now={0} cwd="/w" home="/h" onDone={(p) => (picked = p)} />);
  await settle();
  ui.stdin.write('\x1b');
  await waitFor(() => expect(picked).toBeNull());
  expect(shortFolder('/w/a.sec', '/w', '/h')).toBe('.');
  expect(shortFolder('/elsewhere/a.sec', '/w', '/h')).toBe('/elsewhere');
  expect(expiryText({ path: 'a', mtimeMs: 0, problem: 'x' }, 0)).toBe('unreadable');
  ui.unmount();
});

const used = (at: number) => ({ digest: 'd', ticketId: 't', relayPublicKey: 'K', outcome: 'used' as const, at, expiresAt: at + 600_000 });

test('files that may connect come first and the first is selected; used and expired ones follow, saying why', async () => {
  const now = 10_000_000;
  // Newest first by time of writing; the only usable one is the oldest.
  const files = [
    { path: '/work/security/clawchat-current.sec', mtimeMs: 9, expiresAt: now - 12 * 60_000 },
    { path: '/home/u/Downloads/laptop.sec', mtimeMs: 8, expiresAt: now + 5 * 60_000, record: used(now - 3 * 60_000) },
    { path: '/home/u/Downloads/issued.sec', mtimeMs: 7, expiresAt: now + 9 * 60_000 },
  ];
  let picked: string | null | undefined;
  const ui = render(<SecPicker files={files} now={now} cwd="/work" home="/home/u" onDone={(p) => (picked = p)} />);
  await waitFor(() => expect(ui.lastFrame()).toContain('laptop.sec'));
  const lines = stripVTControlCharacters(ui.lastFrame() ?? '').split('\n'); // nx forces colour: the selected row is inverse
  expect(lines[1]).toMatch(/^› issued\.sec\s+~\/Downloads\s+expires in 9m$/);
  expect(lines[2]).toMatch(/^ {2}clawchat-current\.sec\s+\.\/security\s+expired 12m ago$/);
  expect(lines[3]).toMatch(/^ {2}laptop\.sec\s+~\/Downloads\s+already used by this device 3m ago$/);
  expect(ui.lastFrame()).not.toContain('None of these');
  ui.stdin.write('\r');
  await waitFor(() => expect(picked).toBe('/home/u/Downloads/issued.sec'));
  ui.unmount();
});

test('when none can connect nothing is preselected: Enter does nothing until an arrow picks one, and the line says what to do', async () => {
  const now = 10_000_000;
  const files = [
    { path: '/w/old.sec', mtimeMs: 1, expiresAt: now - 60_000 },
    { path: '/w/mine.sec', mtimeMs: 2, expiresAt: now + 60_000, record: used(now - 1000) },
  ];
  let picked: string | null | undefined;
  const ui = render(<SecPicker files={files} now={now} cwd="/w" home="/h" onDone={(p) => (picked = p)} />);
  await waitFor(() => expect(ui.lastFrame()).toContain('None of these looks usable any more — copy the newest clawchat-current.sec'));
  expect(ui.lastFrame()).not.toContain('›');
  expect(ui.lastFrame()).not.toContain('\x1b[7m'); // nor drawn inverse
  ui.stdin.write('\r');
  await settle();
  await settle();
  expect(picked).toBeUndefined();
  ui.stdin.write('\x1b[B');
  await waitFor(() => expect(ui.lastFrame()).toMatch(/› mine\.sec/));
  ui.stdin.write('\r');
  await waitFor(() => expect(picked).toBe('/w/mine.sec'));
  ui.unmount();
});
