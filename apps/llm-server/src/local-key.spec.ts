import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@clawchat/llm';
import { loadOrCreateLocalKey } from './local-key';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('created on first start: 32 random bytes, base64, mode 0600, no temp file left; reused afterwards', async () => {
  const state = join(dir, 'state');
  const first = await loadOrCreateLocalKey(state);
  expect(first.created).toBe(true);
  expect(first.key).toHaveLength(32);
  const file = join(state, 'local.key');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.key)).toBe(true);
  expect(readdirSync(state)).toEqual(['local.key']);
  const second = await loadOrCreateLocalKey(state);
  expect(second.created).toBe(false);
  expect(second.key.equals(first.key)).toBe(true);
});

test('two processes starting at once end up with the same key', async () => {
  const [a, b] = await Promise.all([loadOrCreateLocalKey(dir), loadOrCreateLocalKey(dir)]);
  expect(a.key.equals(b.key)).toBe(true);
});

test('a damaged key file is a ConfigError that says what to do', async () => {
  writeFileSync(join(dir, 'local.key'), 'not a key', { mode: 0o600 });
  await expect(loadOrCreateLocalKey(dir)).rejects.toThrow(ConfigError);
  await expect(loadOrCreateLocalKey(dir)).rejects.toThrow(/delete it/);
});

test('a world-readable key file is used but warned about', async () => {
  writeFileSync(join(dir, 'local.key'), Buffer.alloc(32, 7).toString('base64'), { mode: 0o644 });
  const k = await loadOrCreateLocalKey(dir);
  expect(k.warning).toMatch(/chmod 600/);
});

test('CLAWCHAT_LOCAL_KEY replaces the file; a bad value names the variable', async () => {
  const key = Buffer.alloc(32, 9);
  const k = await loadOrCreateLocalKey(dir, key.toString('base64'));
  expect(k.key.equals(key)).toBe(true);
  expect(readdirSync(dir)).toEqual([]);
  await expect(loadOrCreateLocalKey(dir, 'short')).rejects.toThrow(/CLAWCHAT_LOCAL_KEY/);
});
