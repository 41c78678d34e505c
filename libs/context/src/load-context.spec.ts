import { mkdirSync, mkdtempSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeContextFs, type ContextFs } from './context-fs';
import { localDate, previousDate } from './context-files';
import { ContextCache, loadContext } from './load-context';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clawchat-context-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2024-05-01T10:00:00Z');
const write = (name: string, content: string): void => {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), content);
};
const headings = (prompt: string): string[] => prompt.split('\n').filter((line) => line.startsWith('## '));

function countingFs(failFor: Record<string, string> = {}): ContextFs & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    stat: (path) => nodeContextFs.stat(path),
    readFile: (path) => {
      reads.push(path.slice(dir.length + 1));
      const code = Object.entries(failFor).find(([name]) => path.endsWith(name))?.[1];
      if (code) throw Object.assign(new Error(`${code}: denied`), { code });
      return nodeContextFs.readFile(path);
    },
  };
}

describe('loadContext', () => {
  test('injects the files in spec order, each under a heading naming it, with today and yesterday', () => {
    for (const name of ['MEMORY.md', 'USER.md', 'IDENTITY.md', 'TOOLS.md', 'SOUL.md', 'AGENTS.md']) write(name, `content of ${name}`);
    write('memory/2024-05-01.md', 'today notes');
    write('memory/2024-04-30.md', 'yesterday notes');
    write('memory/2024-04-29.md', 'too old');
    write('README.md', 'not a context file');
    const result = loadContext(dir, { now: NOW, timeZone: 'UTC' });
    expect(headings(result.systemPrompt)).toEqual([
      '## AGENTS.md',
      '## SOUL.md',
      '## TOOLS.md',
      '## IDENTITY.md',
      '## USER.md',
      '## MEMORY.md',
      '## memory/2024-05-01.md',
      '## memory/2024-04-30.md',
    ]);
    expect(result.systemPrompt).toContain('## SOUL.md\n\ncontent of SOUL.md\n\n## TOOLS.md');
    expect(result.systemPrompt).not.toContain('too old');
    expect(result.systemPrompt).not.toContain('not a context file');
    expect(result.files[1]).toEqual({ name: 'SOUL.md', chars: 18, truncated: false, cutChars: 0, omitted: false });
    expect(result.warnings).toEqual([]);
  });

  test('"today" is the local date in the configured time zone', () => {
    write('memory/2024-05-02.md', 'tokyo today');
    write('memory/2024-05-01.md', 'utc today');
    const late = new Date('2024-05-01T23:30:00Z');
    expect(headings(loadContext(dir, { now: late, timeZone: 'Asia/Tokyo' }).systemPrompt)).toEqual([
      '## memory/2024-05-02.md',
      '## memory/2024-05-01.md',
    ]);
    expect(headings(loadContext(dir, { now: late, timeZone: 'UTC' }).systemPrompt)).toEqual(['## memory/2024-05-01.md']);
    expect(previousDate('2024-03-01')).toBe('2024-02-29');
    expect(previousDate('2025-01-01')).toBe('2024-12-31');
  });

  test('the local date is remembered per minute and zone, and still changes on the minute the day does', () => {
    // Kathmandu is UTC+5:45: its day starts at 18:15 UTC, on a minute boundary like every zone's.
    expect(localDate(new Date('2024-05-01T18:14:59.999Z'), 'Asia/Kathmandu')).toBe('2024-05-01');
    expect(localDate(new Date('2024-05-01T18:15:00.000Z'), 'Asia/Kathmandu')).toBe('2024-05-02');
    expect(localDate(new Date('2024-05-01T18:15:59.999Z'), 'Asia/Kathmandu')).toBe('2024-05-02');
    // The same minute in another zone is its own answer.
    expect(localDate(new Date('2024-05-01T18:15:30Z'), 'UTC')).toBe('2024-05-01');
    expect(localDate(new Date('2024-05-01T18:15:30Z'), 'Asia/Kathmandu')).toBe('2024-05-02');
    // Back in time (a clock step) is answered too, not served from the newer minute.
    expect(localDate(new Date('2024-05-01T18:14:00Z'), 'Asia/Kathmandu')).toBe('2024-05-01');
  });

  test('missing files are skipped silently; an empty directory gives an empty prompt', () => {
    expect(loadContext(dir, { now: NOW })).toEqual({ systemPrompt: '', files: [], warnings: [] });
    write('SOUL.md', 'soul');
    const result = loadContext(dir, { now: NOW });
    expect(result.systemPrompt).toBe('## SOUL.md\n\nsoul');
    expect(result.warnings).toEqual([]);
  });

  test('an unreadable file is skipped with a one-line warning; the others still load', () => {
    mkdirSync(join(dir, 'TOOLS.md')); // a directory: reading it fails with EISDIR
    write('SOUL.md', 'soul');
    write('USER.md', 'user');
    const result = loadContext(dir, { now: NOW, fs: countingFs({ 'USER.md': 'EACCES' }) });
    expect(headings(result.systemPrompt)).toEqual(['## SOUL.md']);
    expect(result.warnings).toEqual([
      'Context file TOOLS.md could not be read (EISDIR) and was skipped; check its permissions.',
      'Context file USER.md could not be read (EACCES) and was skipped; check its permissions.',
    ]);
  });
});

describe('caps', () => {
  test('an over-long file keeps head 75 % and tail 25 % of the cap with a visible marker', () => {
    const text = `${'H'.repeat(50)}${'M'.repeat(30)}${'T'.repeat(20)}`; // 100 chars
    write('SOUL.md', text);
    const result = loadContext(dir, { now: NOW, perFileCap: 40 });
    expect(result.systemPrompt).toBe(`## SOUL.md\n\n${'H'.repeat(30)}\n\n[... 60 characters cut from SOUL.md ...]\n\n${'T'.repeat(10)}`);
    expect(result.files).toEqual([{ name: 'SOUL.md', chars: 100, truncated: true, cutChars: 60, omitted: false }]);
  });

  test('default per-file cap is 20,000 characters', () => {
    write('AGENTS.md', `${'a'.repeat(15_000)}${'b'.repeat(10_000)}${'c'.repeat(5_000)}`);
    const result = loadContext(dir, { now: NOW });
    expect(result.files[0]).toMatchObject({ chars: 30_000, cutChars: 10_000, truncated: true });
    expect(result.systemPrompt).toBe(
      `## AGENTS.md\n\n${'a'.repeat(15_000)}\n\n[... 10000 characters cut from AGENTS.md ...]\n\n${'c'.repeat(5_000)}`,
    );
  });

  test('never splits an emoji (surrogate pair) at a cut', () => {
    write('SOUL.md', '😀'.repeat(50)); // 100 UTF-16 units
    const prompt = loadContext(dir, { now: NOW, perFileCap: 42 }).systemPrompt; // both cut points fall inside a pair
    expect(prompt).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  test('total cap: a file that does not fit is cut to what is left, later files are omitted with a marker', () => {
    write('AGENTS.md', 'a'.repeat(2_000));
    write('SOUL.md', 's'.repeat(1_000));
    write('USER.md', `${'u'.repeat(2_000)}${'v'.repeat(800)}`);
    write('MEMORY.md', 'm'.repeat(10));
    const result = loadContext(dir, { now: NOW, perFileCap: 3_000, totalCap: 5_000 });
    expect(result.files.map((f) => [f.name, f.cutChars, f.omitted])).toEqual([
      ['AGENTS.md', 0, false],
      ['SOUL.md', 0, false],
      ['USER.md', 800, false], // 2,000 left: head 1,500, tail 500
      ['MEMORY.md', 10, true],
    ]);
    expect(result.systemPrompt).toContain(`${'u'.repeat(1_500)}\n\n[... 800 characters cut from USER.md ...]\n\n${'v'.repeat(500)}`);
    expect(result.systemPrompt).toContain(
      '## MEMORY.md\n\n[... MEMORY.md omitted: the total context cap of 5000 characters was reached ...]',
    );
  });

  test('total cap: with too little left for a useful part, the file is omitted rather than cut', () => {
    write('AGENTS.md', 'a'.repeat(2_000));
    write('SOUL.md', 's'.repeat(2_500));
    write('USER.md', 'u'.repeat(2_000));
    const result = loadContext(dir, { now: NOW, perFileCap: 3_000, totalCap: 5_000 });
    expect(result.files.map((f) => [f.name, f.cutChars, f.omitted])).toEqual([
      ['AGENTS.md', 0, false],
      ['SOUL.md', 0, false],
      ['USER.md', 2_000, true], // only 500 left
    ]);
  });
});

describe('ContextCache', () => {
  test('re-reads only what changed: unchanged means no reads and the same result object', () => {
    write('AGENTS.md', 'agents');
    write('SOUL.md', 'calm');
    const fs = countingFs();
    const cache = new ContextCache(dir, { fs, timeZone: 'UTC' });
    const first = cache.get(NOW);
    expect(fs.reads.sort()).toEqual(['AGENTS.md', 'SOUL.md']);
    const second = cache.get(new Date(NOW.getTime() + 60_000));
    expect(second).toBe(first);
    expect(fs.reads).toHaveLength(2);

    write('SOUL.md', 'cheerful and loud'); // size changes
    const third = cache.get(new Date(NOW.getTime() + 120_000));
    expect(third.systemPrompt).toContain('## SOUL.md\n\ncheerful and loud');
    expect(fs.reads.slice(2)).toEqual(['SOUL.md']); // AGENTS.md was not read again
  });

  test('an edit that keeps the size is seen through its mtime', () => {
    write('SOUL.md', 'aaaa');
    const cache = new ContextCache(dir, { timeZone: 'UTC' });
    expect(cache.get(NOW).systemPrompt).toContain('aaaa');
    write('SOUL.md', 'bbbb');
    utimesSync(join(dir, 'SOUL.md'), new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    expect(cache.get(NOW).systemPrompt).toContain('bbbb');
  });

  test('files that appear, disappear, and the daily note rolling over at midnight', () => {
    const cache = new ContextCache(dir, { timeZone: 'UTC' });
    expect(cache.get(NOW).systemPrompt).toBe('');
    write('USER.md', 'user');
    write('memory/2024-05-02.md', 'tomorrow');
    expect(headings(cache.get(NOW).systemPrompt)).toEqual(['## USER.md']);
    unlinkSync(join(dir, 'USER.md'));
    expect(headings(cache.get(new Date('2024-05-02T00:00:01Z')).systemPrompt)).toEqual(['## memory/2024-05-02.md']);
  });

  test('an unreadable file is tried again next turn and picked up once readable', () => {
    write('SOUL.md', 'soul');
    let denied = true;
    const fs: ContextFs = {
      stat: (path) => nodeContextFs.stat(path),
      readFile: (path) => {
        if (denied) throw Object.assign(new Error('denied'), { code: 'EACCES' });
        return nodeContextFs.readFile(path);
      },
    };
    const cache = new ContextCache(dir, { fs, timeZone: 'UTC' });
    expect(cache.get(NOW).warnings).toHaveLength(1);
    denied = false; // e.g. chmod, which leaves mtime and size alone
    const fixed = cache.get(NOW);
    expect(fixed.warnings).toEqual([]);
    expect(fixed.systemPrompt).toBe('## SOUL.md\n\nsoul');
  });
});

test('the starter files in the repo context/ folder load cleanly and well under the caps', () => {
  const result = loadContext(join(__dirname, '../../../context'), { now: NOW, timeZone: 'UTC' });
  expect(result.files.map((f) => f.name)).toEqual(['AGENTS.md', 'SOUL.md', 'USER.md', 'MEMORY.md']);
  expect(result.warnings).toEqual([]);
  expect(result.files.every((f) => !f.truncated)).toBe(true);
  expect(result.systemPrompt.length).toBeLessThan(10_000);
});

describe('nodeContextFs', () => {
  test('a missing file is undefined, not an exception (most turns stat files that do not exist)', () => {
    expect(nodeContextFs.stat(join(dir, 'nope.md'))).toBeUndefined();
    write('SOUL.md', 'soul');
    expect(nodeContextFs.stat(join(dir, 'SOUL.md'))).toMatchObject({ size: 4 });
  });
});
