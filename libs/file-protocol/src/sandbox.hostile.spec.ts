/**
 * Hostile paths against every operation. The sandbox root has an "outside" sibling holding secrets;
 * after every call we check (by lstat, which changes nothing) that no file or folder outside was
 * read (atime), written (mtime/size), re-linked or changed (ctime/nlink), or listed (folder atime).
 * Access times are first set older than modification times so that, on relatime mounts, any read
 * would move them.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, linkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Sandbox } from './sandbox';
import { collect, makeTempDir, rejectionCode, removeDir, sha256Hex } from './test-support';

let base: string;
let root: string;
let outside: string;
let sandbox: Sandbox;
let socketServer: Server | null = null;
let atimeWorks = false;
const fixtures: { label: string; path: string }[] = [];

const OUTSIDE_CONTENT: Record<string, string> = {
  'outside/secret.txt': 'TOP SECRET',
  'outside/hard-secret.txt': 'HARD-LINKED SECRET',
  'outside/inner/deep.txt': 'DEEP SECRET',
  'root-evil/x.txt': 'PREFIX SIBLING SECRET',
};
const WATCHED = ['.', 'outside', 'outside/inner', 'root-evil', ...Object.keys(OUTSIDE_CONTENT)];

function freezeAccessTimes(): void {
  for (const rel of WATCHED) {
    const abs = join(base, rel);
    const { mtime } = lstatSync(abs);
    utimesSync(abs, new Date(mtime.getTime() - 3_600_000), mtime);
  }
}

function snapshot(): string {
  return JSON.stringify(
    WATCHED.map((rel) => {
      const s = lstatSync(join(base, rel));
      return [rel, s.ino, s.size, s.nlink, s.mode, s.mtimeMs, s.ctimeMs, s.atimeMs];
    }),
  );
}

function tryFixture(label: string, path: string, create: () => void): void {
  try {
    create();
    fixtures.push({ label, path });
  } catch {
    // e.g. mkfifo/mknod unavailable: that fixture's cases are skipped, the rest still run.
  }
}

beforeAll(async () => {
  base = makeTempDir('hostile');
  root = join(base, 'root');
  outside = join(base, 'outside');
  for (const dir of ['root', 'root/sub', 'outside', 'outside/inner', 'root-evil']) mkdirSync(join(base, dir));
  for (const [rel, content] of Object.entries(OUTSIDE_CONTENT)) writeFileSync(join(base, rel), content);
  writeFileSync(join(root, 'victim.txt'), 'victim');
  writeFileSync(join(root, 'sub/inner.txt'), 'inner');

  const at = (rel: string) => join(root, rel);
  tryFixture('symlink to an outside file', 'link-out-file', () => symlinkSync(join(outside, 'secret.txt'), at('link-out-file')));
  tryFixture('relative symlink out', 'rel-out', () => symlinkSync('../outside/secret.txt', at('rel-out')));
  tryFixture('symlink to the outside dir', 'link-out-dir', () => symlinkSync(outside, at('link-out-dir')));
  fixtures.push({ label: 'file through an outside dir link', path: 'link-out-dir/secret.txt' });
  fixtures.push({ label: 'new name through an outside dir link', path: 'link-out-dir/new.txt' });
  tryFixture('symlink chain to a file', 'chain-a', () => {
    symlinkSync(join(outside, 'secret.txt'), at('chain-b'));
    symlinkSync('chain-b', at('chain-a'));
  });
  tryFixture('symlink chain to a dir', 'chain-dir-a/secret.txt', () => {
    symlinkSync(outside, at('chain-dir-b'));
    symlinkSync('chain-dir-b', at('chain-dir-a'));
  });
  tryFixture('symlink in the middle of a path', 'sub/link-mid/secret.txt', () => symlinkSync('../../outside', at('sub/link-mid')));
  fixtures.push({ label: 'nested dir through a middle link', path: 'sub/link-mid/inner/deep.txt' });
  tryFixture('symlink to a sibling with the root as name prefix', 'link-prefix/x.txt', () => symlinkSync(join(base, 'root-evil'), at('link-prefix')));
  tryFixture('symlink to an inside file (all links refused)', 'link-in', () => symlinkSync('victim.txt', at('link-in')));
  tryFixture('symlink to an inside dir (all links refused)', 'link-in-dir/inner.txt', () => symlinkSync('sub', at('link-in-dir')));
  tryFixture('dangling symlink to outside', 'dangling', () => symlinkSync(join(outside, 'not-yet.txt'), at('dangling')));
  tryFixture('hard link to an outside file', 'hard.txt', () => linkSync(join(outside, 'hard-secret.txt'), at('hard.txt')));
  tryFixture('symlink to /dev/null', 'devnull-link', () => symlinkSync('/dev/null', at('devnull-link')));
  tryFixture('FIFO', 'fifo', () => execFileSync('mkfifo', [at('fifo')], { stdio: 'ignore' }));
  tryFixture('character device (mknod)', 'chardev', () => execFileSync('mknod', [at('chardev'), 'c', '1', '3'], { stdio: 'ignore' }));
  await new Promise<void>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve());
    server.listen(at('sock'), () => {
      socketServer = server;
      fixtures.push({ label: 'unix socket', path: 'sock' });
      resolve();
    });
  });

  // Can this filesystem show reads through atime? (relatime: yes once atime < mtime.)
  freezeAccessTimes();
  const before = lstatSync(join(base, 'root-evil/x.txt')).atimeMs;
  readFileSync(join(base, 'root-evil/x.txt'));
  atimeWorks = lstatSync(join(base, 'root-evil/x.txt')).atimeMs !== before;

  sandbox = await Sandbox.open(root);
});

afterAll(async () => {
  if (socketServer) await new Promise<void>((resolve) => socketServer?.close(() => resolve()));
  removeDir(base);
});

const TEXT_ATTACKS: [string, unknown][] = [
  ['dot-dot', '..'],
  ['dot-dot slash', '../'],
  ['climb to the outside secret', '../outside/secret.txt'],
  ['climb after a name', 'a/../../x'],
  ['climb back to root', 'sub/..'],
  ['dot then dot-dot', './..'],
  ['deep climb', 'sub/../../../../../../etc/passwd'],
  ['absolute /etc/passwd', '/etc/passwd'],
  ['absolute outside secret', '/outside/secret.txt'],
  ['double slash', '//x'],
  ['lone slash', '/'],
  ['percent-encoded dot-dot', '%2e%2e/x'],
  ['dot-dot with encoded slash', '..%2f'],
  ['fully encoded traversal', '%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt'],
  ['double-encoded traversal', '%252e%252e%252f'],
  ['encoded NUL', 'victim.txt%00.png'],
  ['NUL byte', 'victim.txt\u0000.png'],
  ['NUL alone', '\u0000'],
  ['backslash traversal', '..\\x'],
  ['backslash deep traversal', '..\\..\\outside\\secret.txt'],
  ['Windows drive', 'C:\\x'],
  ['Windows drive with slash', 'C:/Windows/system.ini'],
  ['UNC path', '\\\\server\\share'],
  ['newline', 'victim\n.txt'],
  ['C1 control', 'a\u0085b'],
  ['over-long name', 'n'.repeat(256)],
  ['over-long path', 'abc/'.repeat(1100)],
  ['bidi override', 'evil\u202Etxt.exe'],
  ['bidi isolate', 'a\u2067b'],
  ['zero-width space', 'victim\u200B.txt'],
  ['zero-width joiner', 'a\u200Db'],
  ['BOM', '\uFEFFvictim.txt'],
  ['non-NFC', 'cafe\u0301.txt'],
  ['lone surrogate', 'a\uDC00'],
  ['Windows device name', 'CON'],
  ['staging dir', '.clawchat-uploads'],
  ['staging dir climb', '.clawchat-uploads/..'],
  ['staging dir climb out', '.clawchat-uploads/../../outside/secret.txt'],
  ['staging file', '.clawchat-uploads/0123456789abcdef0123456789abcdef.part'],
  ['staging dir upper case', '.CLAWCHAT-UPLOADS'],
  ['empty segment', 'sub//inner.txt'],
  ['dot segment', 'sub/./inner.txt'],
  ['not a string (number)', 42],
  ['not a string (null)', null],
  ['not a string (array)', ['..', 'outside']],
];

const BYTES = Buffer.from('pwned');

type Operation = (path: unknown) => Promise<unknown>;
const OPERATIONS: [string, Operation][] = [
  ['list', (p) => sandbox.list(p)],
  ['stat', (p) => sandbox.stat(p)],
  ['download', async (p) => collect(await sandbox.openDownload(p))],
  ['download from offset', async (p) => collect(await sandbox.openDownload(p, { offset: 1, length: 3 }))],
  ['mkdir', (p) => sandbox.mkdir(p)],
  ['delete', (p) => sandbox.delete(p)],
  ['delete recursive', (p) => sandbox.delete(p, { recursive: true })],
  ['move from', (p) => sandbox.move(p, 'moved-here')],
  ['move onto', (p) => sandbox.move('victim.txt', p)],
  ['move onto with overwrite', (p) => sandbox.move('victim.txt', p, { overwrite: true })],
  [
    'upload',
    async (p) => {
      const begun = await sandbox.beginUpload({ path: p as string, size: BYTES.length, sha256: sha256Hex(BYTES), overwrite: true });
      await sandbox.writeChunk(begun.uploadId, begun.offset, BYTES);
      return sandbox.commit(begun.uploadId);
    },
  ],
];

function expectRootIntact(): void {
  expect(readFileSync(join(root, 'victim.txt'), 'utf8')).toBe('victim');
  expect(readdirSync(root)).not.toContain('moved-here');
}

describe('hostile text paths are refused by every operation', () => {
  test('there are at least 40 hostile paths in all', () => {
    expect(TEXT_ATTACKS.length + fixtures.length).toBeGreaterThanOrEqual(40);
  });

  test.each(TEXT_ATTACKS)('%s', async (_label, path) => {
    for (const [name, operation] of OPERATIONS) {
      freezeAccessTimes();
      const before = snapshot();
      const code = await rejectionCode(operation(path));
      expect([name, code]).toEqual([name, expect.stringMatching(/^(OUTSIDE_SANDBOX|BAD_REQUEST)$/)]);
      expect(snapshot()).toBe(before);
      expectRootIntact();
    }
  });
});

describe('hostile files on disk are refused by every operation', () => {
  test('fixtures were created (mkfifo/mknod may be missing)', () => {
    expect(fixtures.map((f) => f.path)).toEqual(expect.arrayContaining(['link-out-file', 'hard.txt', 'sub/link-mid/secret.txt']));
  });

  test('every fixture path is refused with OUTSIDE_SANDBOX and nothing outside is touched', async () => {
    for (const { label, path } of fixtures) {
      for (const [name, operation] of OPERATIONS) {
        freezeAccessTimes();
        const before = snapshot();
        const code = await rejectionCode(operation(path));
        expect([label, name, code]).toEqual([label, name, 'OUTSIDE_SANDBOX']);
        expect(snapshot()).toBe(before);
        expectRootIntact();
      }
      // The refused entry itself is still there (nothing was deleted or replaced).
      const first = path.split('/')[0];
      expect(() => lstatSync(join(root, first))).not.toThrow();
    }
  });

  test('moving a hostile entry somewhere else keeps it where it was', async () => {
    for (const { path } of fixtures) {
      expect(await rejectionCode(sandbox.move(path, 'sub/elsewhere'))).toMatch(/^(OUTSIDE_SANDBOX|BAD_REQUEST|NOT_FOUND)$/);
    }
    expect(readdirSync(join(root, 'sub')).sort()).toEqual(['inner.txt', 'link-mid']);
  });

  test('list() shows only plain files and folders', async () => {
    freezeAccessTimes();
    const before = snapshot();
    const names = (await sandbox.list('')).map((e) => e.name);
    expect(names).toEqual(['sub', 'victim.txt']);
    expect((await sandbox.list('sub')).map((e) => e.name)).toEqual(['inner.txt']);
    expect(snapshot()).toBe(before);
  });
});

describe('the detector itself', () => {
  test('notices a write outside, and a read or listing when the filesystem records atime', () => {
    freezeAccessTimes();
    let before = snapshot();
    writeFileSync(join(outside, 'inner/deep.txt'), 'DEEP SECRET');
    expect(snapshot()).not.toBe(before);
    if (!atimeWorks) {
      console.warn('filesystem does not update atime: read/list detection is not exercised here');
      return;
    }
    freezeAccessTimes();
    before = snapshot();
    readFileSync(join(outside, 'secret.txt'));
    expect(snapshot()).not.toBe(before);
    freezeAccessTimes();
    before = snapshot();
    readdirSync(outside);
    expect(snapshot()).not.toBe(before);
  });

  test('outside content is byte for byte unchanged at the end', () => {
    for (const [rel, content] of Object.entries(OUTSIDE_CONTENT)) {
      expect(readFileSync(join(base, rel), 'utf8')).toBe(content);
    }
    expect(readdirSync(outside).sort()).toEqual(['hard-secret.txt', 'inner', 'secret.txt']);
    expect(readdirSync(base).sort()).toEqual(['outside', 'root', 'root-evil']);
  });
});
