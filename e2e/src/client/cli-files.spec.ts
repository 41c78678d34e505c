/**
 * `clawchat files get` with the real client, relay and LLM server: a download folder that does not
 * exist yet is created, a download refused before its first byte leaves no `.clawchat-part` behind,
 * an existing target names -f, and a .sec used twice says so in one sentence.
 */
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TestSystem } from '../support/system';
import { ensureClientBundle } from './client-bundle';

describe('clawchat files get against the real system', () => {
  let sys: TestSystem | undefined;
  beforeAll(() => ensureClientBundle(), 120_000);
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  test('missing folder created; failed downloads leave no part file; an existing target names -f; a used .sec says so once', async () => {
    sys = await new TestSystem().start();
    const s = sys;
    writeFileSync(path.join(s.dirs.files, 'blob.bin'), 'hello blob');
    // A copy: the relay replaces clawchat-current.sec once its ticket is spent.
    const secFile = path.join(s.root, 'kept.sec');
    copyFileSync(s.secFile, secFile);
    const first = await s.cli(['files', 'get', '--sec', secFile, 'blob.bin', 'downloads/not/yet/']);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(path.join(s.root, 'downloads/not/yet/blob.bin'), 'utf8')).toBe('hello blob');

    const again = await s.cli(['files', 'get', 'blob.bin', 'downloads/not/yet/']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`clawchat: ${path.join(s.root, 'downloads/not/yet/blob.bin')} already exists. Use -f to replace it.`);

    const missing = await s.cli(['files', 'get', 'nosuch.txt', 'downloads/']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const outside = await s.cli(['files', 'get', '../../etc/passwd', 'downloads/']);
    expect(outside.code).toBe(1);
    expect(readdirSync(path.join(s.root, 'downloads')).sort()).toEqual(['not']);
    expect(existsSync(path.join(s.root, 'downloads', 'nosuch.txt.clawchat-part'))).toBe(false);

    // The same .sec from a second device: refused, in one sentence with the advice once.
    const second = await s.cli(['status', '--sec', secFile], { device: 'phone' });
    expect(second.code).toBe(3);
    const line = second.stderr.trim();
    expect(line).toMatch(/^clawchat: this \.sec was already used by another device/);
    expect(line.split('this .sec').length - 1).toBe(1);
    expect(line.split('clawchat-relay issue').length - 1).toBe(1);
  }, 90_000);
});
