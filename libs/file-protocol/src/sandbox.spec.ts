import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync, linkSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './sandbox';
import { makeTempDir, rejectionCode, removeDir, sha256Hex } from './test-support';

let base: string;
let root: string;
let sandbox: Sandbox;

beforeEach(async () => {
  base = makeTempDir('ops');
  root = join(base, 'root');
  mkdirSync(join(root, 'docs/deep'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside/secret.txt'), 'secret');
  writeFileSync(join(root, 'b.txt'), 'bee');
  writeFileSync(join(root, 'a.txt'), 'hello');
  writeFileSync(join(root, 'docs/deep/x.md'), '# x');
  sandbox = await Sandbox.open(root);
});

afterEach(() => removeDir(base));

describe('open', () => {
  test('a missing root is a clear error', async () => {
    await expect(Sandbox.open(join(base, 'nope'))).rejects.toThrow(/does not exist.*CLAWCHAT_FILES_DIR/);
  });

  test('a root given through a symlink is resolved once and works', async () => {
    symlinkSync(root, join(base, 'root-link'));
    const viaLink = await Sandbox.open(join(base, 'root-link'));
    expect(viaLink.rootDir).toBe(root);
    expect((await viaLink.list('')).map((e) => e.name)).toEqual(['a.txt', 'b.txt', 'docs']);
  });
});

describe('list', () => {
  test('entries sorted by name with kind, size and mtime', async () => {
    const entries = await sandbox.list('');
    expect(entries.map((e) => [e.name, e.kind, e.size])).toEqual([
      ['a.txt', 'file', 5],
      ['b.txt', 'file', 3],
      ['docs', 'dir', 0],
    ]);
    expect(Math.abs(entries[0].mtime - Date.now())).toBeLessThan(60_000);
    expect(await sandbox.list('docs/deep/')).toEqual([expect.objectContaining({ name: 'x.md', kind: 'file', size: 3 })]);
  });

  test('hides the staging folder, unaddressable names and hard-linked files', async () => {
    mkdirSync(join(root, '.clawchat-uploads'));
    writeFileSync(join(root, 'evil\u202Etxt.exe'), 'x');
    writeFileSync(join(root, 'cafe\u0301'), 'x');
    writeFileSync(join(root, 'back\\slash'), 'x');
    linkSync(join(base, 'outside/secret.txt'), join(root, 'hard'));
    expect((await sandbox.list('')).map((e) => e.name)).toEqual(['a.txt', 'b.txt', 'docs']);
  });

  test('a file, a missing folder and a path through a file are refused', async () => {
    expect(await rejectionCode(sandbox.list('a.txt'))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.list('nope'))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.list('a.txt/x'))).toBe('BAD_REQUEST');
  });
});

describe('stat', () => {
  test('files carry sha256, folders do not', async () => {
    expect(await sandbox.stat('a.txt')).toEqual(expect.objectContaining({ name: 'a.txt', kind: 'file', size: 5, sha256: sha256Hex('hello') }));
    const dir = await sandbox.stat('docs');
    expect(dir).toEqual(expect.objectContaining({ name: 'docs', kind: 'dir' }));
    expect(dir.sha256).toBeUndefined();
    expect((await sandbox.stat('')).kind).toBe('dir');
    expect(await rejectionCode(sandbox.stat('missing.txt'))).toBe('NOT_FOUND');
  });
});

describe('mkdir', () => {
  test('creates one folder; existing, missing parent and file parent are refused', async () => {
    expect(await sandbox.mkdir('docs/new')).toEqual(expect.objectContaining({ name: 'new', kind: 'dir' }));
    expect(existsSync(join(root, 'docs/new'))).toBe(true);
    expect(await rejectionCode(sandbox.mkdir('docs/new'))).toBe('EXISTS');
    expect(await rejectionCode(sandbox.mkdir('a.txt'))).toBe('EXISTS');
    expect(await rejectionCode(sandbox.mkdir(''))).toBe('EXISTS');
    expect(await rejectionCode(sandbox.mkdir('no/such/parent'))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.mkdir('a.txt/child'))).toBe('BAD_REQUEST');
  });
});

describe('delete', () => {
  test('files and empty folders; non-empty folders only recursively', async () => {
    await sandbox.delete('a.txt');
    expect(existsSync(join(root, 'a.txt'))).toBe(false);
    // EXISTS (no other delete failure has it) and a neutral text: the client adds its own hint (-r).
    await expect(sandbox.delete('docs')).rejects.toMatchObject({ code: 'EXISTS', message: '"docs" is a folder and is not empty.' });
    expect(existsSync(join(root, 'docs/deep/x.md'))).toBe(true);
    mkdirSync(join(root, 'empty'));
    await sandbox.delete('empty');
    expect(existsSync(join(root, 'empty'))).toBe(false);
    await sandbox.delete('docs', { recursive: true });
    expect(readdirSync(root)).toEqual(['b.txt']);
    expect(await rejectionCode(sandbox.delete('a.txt'))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.delete(''))).toBe('BAD_REQUEST');
  });

  test('a recursive delete removes links inside as links and never follows them', async () => {
    symlinkSync(join(base, 'outside'), join(root, 'docs/out-link'));
    symlinkSync(join(base, 'outside/secret.txt'), join(root, 'docs/deep/secret-link'));
    await sandbox.delete('docs', { recursive: true });
    expect(existsSync(join(root, 'docs'))).toBe(false);
    expect(readFileSync(join(base, 'outside/secret.txt'), 'utf8')).toBe('secret');
  });
});

describe('move', () => {
  test('renames files and folders', async () => {
    expect(await sandbox.move('a.txt', 'docs/a-moved.txt')).toEqual(expect.objectContaining({ name: 'a-moved.txt', size: 5 }));
    expect(readFileSync(join(root, 'docs/a-moved.txt'), 'utf8')).toBe('hello');
    expect(existsSync(join(root, 'a.txt'))).toBe(false);
    await sandbox.move('docs', 'papers');
    expect(readFileSync(join(root, 'papers/deep/x.md'), 'utf8')).toBe('# x');
  });

  test('never overwrites unless asked, and then only the same kind', async () => {
    await expect(sandbox.move('a.txt', 'b.txt')).rejects.toMatchObject({ code: 'EXISTS', message: '"b.txt" already exists.' });
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(join(root, 'b.txt'), 'utf8')).toBe('bee');
    // A file onto a folder (or back) is BAD_REQUEST with or without overwrite: replacing cannot help.
    for (const overwrite of [false, true]) {
      expect(await rejectionCode(sandbox.move('a.txt', 'docs', { overwrite }))).toBe('BAD_REQUEST');
      expect(await rejectionCode(sandbox.move('docs', 'a.txt', { overwrite }))).toBe('BAD_REQUEST');
    }
    await sandbox.move('a.txt', 'b.txt', { overwrite: true });
    expect(readFileSync(join(root, 'b.txt'), 'utf8')).toBe('hello');
    expect(existsSync(join(root, 'a.txt'))).toBe(false);
  });

  test('refuses moving into itself, the root, and missing sources or parents', async () => {
    expect(await rejectionCode(sandbox.move('docs', 'docs/deep/docs'))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.move('docs', 'docs'))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.move('', 'x'))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.move('a.txt', ''))).toBe('BAD_REQUEST');
    expect(await rejectionCode(sandbox.move('nope.txt', 'x'))).toBe('NOT_FOUND');
    expect(await rejectionCode(sandbox.move('a.txt', 'no/parent.txt'))).toBe('NOT_FOUND');
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('hello');
  });
});
