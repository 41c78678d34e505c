import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileExclusive, isTempFileOf, removeStaleTempFiles, removeStaleTempFilesSync, tempPathFor, writeFileAtomic, writeFileAtomicSync } from './atomic-write';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clawchat-atomic-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

  it('writes a 0600 file and leaves no temp files, whatever the umask', async () => {
    const previousUmask = process.umask(0o000);
    try {
      const target = path.join(dir, 'secret.key');
      await writeFileAtomic(target, 'hunter2-but-longer');
      expect(fs.readFileSync(target, 'utf8')).toBe('hunter2-but-longer');
      expect(modeOf(target)).toBe(0o600);
      expect(fs.readdirSync(dir)).toEqual(['secret.key']);
    } finally {
      process.umask(previousUmask);
    }
  });

  it('replaces an existing file (new inode, so a reader holding the old one sees it whole)', async () => {
    const target = path.join(dir, 'clawchat-current.sec');
    fs.writeFileSync(target, 'old contents', { mode: 0o644 });
    const oldInode = fs.statSync(target).ino;
    const reader = fs.openSync(target, 'r');
    try {
      await writeFileAtomic(target, Buffer.from('new contents'));
      expect(fs.readFileSync(target, 'utf8')).toBe('new contents');
      expect(fs.statSync(target).ino).not.toBe(oldInode);
      expect(modeOf(target)).toBe(0o600);
      // The open descriptor still reads the complete old file: no one ever sees a mix.
      expect(fs.readFileSync(reader, 'utf8')).toBe('old contents');
      expect(fs.readdirSync(dir)).toEqual(['clawchat-current.sec']);
    } finally {
      fs.closeSync(reader);
    }
  });

  it('honours an explicit mode', async () => {
    const target = path.join(dir, 'state.json');
    await writeFileAtomic(target, '{}', 0o640);
    expect(modeOf(target)).toBe(0o640);
  });

  it('cleans up its temp file and keeps the old file when the rename fails', async () => {
    const target = path.join(dir, 'occupied');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'x'); // a non-empty directory cannot be renamed over
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual(['occupied']);
  });

  it('sync variant behaves the same', () => {
    const target = path.join(dir, 'bootstrap.key');
    fs.writeFileSync(target, 'old');
    writeFileAtomicSync(target, 'ccbk1_new\n');
    expect(fs.readFileSync(target, 'utf8')).toBe('ccbk1_new\n');
    expect(modeOf(target)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['bootstrap.key']);
  });

  it('concurrent writers never leave a torn file', async () => {
    const target = path.join(dir, 'race');
    const payloads = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(payloads.map((payload) => writeFileAtomic(target, payload)));
    expect(payloads).toContain(fs.readFileSync(target, 'utf8'));
    expect(fs.readdirSync(dir)).toEqual(['race']);
  });

  it('removes the temp files a crashed write left, and nothing else', async () => {
    const target = path.join(dir, 'llm_session.json');
    fs.writeFileSync(target, '{"turns":[]}');
    const leftovers = ['.llm_session.json.4242.0a1b2c3d4e5f.tmp', '.llm_session.json.17.ffffffffffff.tmp'];
    const others = ['.other.json.4242.0a1b2c3d4e5f.tmp', '.llm_session.json.tmp', 'llm_session.json.4242.00.tmp', '.llm_session.json.12.xyz.tmp'];
    for (const name of [...leftovers, ...others]) fs.writeFileSync(path.join(dir, name), 'x');
    expect(await removeStaleTempFiles(target)).toBe(2);
    expect(fs.readdirSync(dir).sort()).toEqual(['llm_session.json', ...others].sort());
    expect(await removeStaleTempFiles(path.join(dir, 'missing-folder', 'file'))).toBe(0);
  });

  it('the sync variant removes the same files', () => {
    const target = path.join(dir, 'peers.json');
    fs.writeFileSync(path.join(dir, '.peers.json.99.abcdef.tmp'), 'x');
    fs.writeFileSync(path.join(dir, 'peers.json'), '{}');
    expect(removeStaleTempFilesSync(target)).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['peers.json']);
  });

  it('recognises the temp names it makes, for any target name', () => {
    for (const name of ['peers.json', 'clawchat-current.sec', 'a.b.c', 'no-dot']) {
      const target = path.join(dir, name);
      expect(isTempFileOf(target, path.basename(tempPathFor(target)))).toBe(true);
      expect(isTempFileOf(path.join(dir, `x${name}`), path.basename(tempPathFor(target)))).toBe(false);
    }
  });

  it('createFileExclusive: of writers racing for one name exactly one creates it, complete, 0600, no temp left', async () => {
    const target = path.join(dir, 'local.key');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => createFileExclusive(target, `key-${i}\n`.repeat(1000))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.indexOf(true);
    expect(fs.readFileSync(target, 'utf8')).toBe(`key-${winner}\n`.repeat(1000));
    expect(modeOf(target)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['local.key']);
    expect(await createFileExclusive(target, 'other')).toBe(false);
  });
});
