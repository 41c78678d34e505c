import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSuiteArgs, publishSection } from './suite-cli';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('parseSuiteArgs: required paths, --only turns writing off, --from', () => {
  expect(() => parseSuiteArgs([], 'relay')).toThrow(/--worker and --doc/);
  const a = parseSuiteArgs(['--worker', 'w.cjs', '--doc', 'd.md'], 'relay');
  expect(a).toMatchObject({ worker: 'w.cjs', doc: 'd.md', write: true });
  expect(parseSuiteArgs(['--worker', 'w', '--doc', 'd', '--only=idle'], 'relay')).toMatchObject({ write: false, only: new Set(['idle']) });
  expect(parseSuiteArgs(['--worker', 'w', '--doc', 'd', '--no-write'], 'relay').write).toBe(false);
  expect(parseSuiteArgs(['--worker', 'w', '--doc', 'd', '--from=r.json'], 'relay').from).toBe('r.json');
});

test('publishSection replaces only its own section and keeps the others', () => {
  const doc = path.join(dir, 'benchmarks.md');
  writeFileSync(doc, '# Benchmarks\n\n<!-- bench:transport begin (x) -->\nT\n<!-- bench:transport end -->\n');
  const lines: string[] = [];
  const args = { worker: path.join(dir, 'w.cjs'), doc, write: true };
  publishSection(args, 'relay', '## Relay\nfirst', (l) => lines.push(l));
  publishSection(args, 'relay', '## Relay\nsecond', (l) => lines.push(l));
  const text = readFileSync(doc, 'utf8');
  expect(text).toContain('<!-- bench:transport begin (x) -->\nT\n<!-- bench:transport end -->');
  expect(text).toContain('## Relay\nsecond');
  expect(text).not.toContain('first');
  expect(lines[0]).toMatch(/wrote the relay section/);
});
