import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write';

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
});
