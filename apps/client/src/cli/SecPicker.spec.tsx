import React from 'react';
import { render } from 'ink-testing-library';
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
