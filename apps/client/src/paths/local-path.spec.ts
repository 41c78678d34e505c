import { join } from 'node:path';
import { expandHome, resolveLocalPath, userWorkingDir } from './local-path';

test('npm run: relative paths are the folder the user typed the command in (INIT_CWD)', () => {
  const npm = { INIT_CWD: '/home/u/ux', npm_package_json: '/repo/package.json' };
  expect(userWorkingDir(npm, '/repo')).toBe('/home/u/ux');
  expect(userWorkingDir({ INIT_CWD: '/home/u/ux' }, '/repo')).toBe('/home/u/ux');
  // Without npm, or in a child an npm script started elsewhere, the process's own folder counts.
  expect(userWorkingDir({}, '/repo')).toBe('/repo');
  expect(userWorkingDir(npm, '/tmp/test-sandbox')).toBe('/tmp/test-sandbox');
  expect(userWorkingDir({ INIT_CWD: 'relative' }, '/repo')).toBe('/repo');
});

test('~ and ~/ are the home folder; other paths resolve against the base', () => {
  expect(expandHome('~', '/home/u')).toBe('/home/u');
  expect(expandHome('~/.bashrc', '/home/u')).toBe(join('/home/u', '.bashrc'));
  expect(expandHome('~other/x', '/home/u')).toBe('~other/x');
  expect(expandHome('a/~/b', '/home/u')).toBe('a/~/b');
  expect(resolveLocalPath('~/.bashrc', '/work/ux', '/home/u')).toBe('/home/u/.bashrc');
  expect(resolveLocalPath('big.bin', '/work/ux', '/home/u')).toBe('/work/ux/big.bin');
  expect(resolveLocalPath('/abs/big.bin', '/work/ux', '/home/u')).toBe('/abs/big.bin');
  expect(resolveLocalPath('', '/work/ux', '/home/u')).toBe('/work/ux');
});
