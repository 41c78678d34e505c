import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContextSource } from './context-source';
import { memoryLogger } from './log';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'llm-context-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('the configured per-file cap cuts a long file with the marker; the default keeps it whole', () => {
  writeFileSync(join(dir, 'SOUL.md'), 'x'.repeat(5_000));
  const whole = new ContextSource(dir, memoryLogger()).get();
  expect(whole.systemPrompt).not.toContain('characters cut');
  const capped = new ContextSource(dir, memoryLogger(), { perFileCap: 1_000 }).get();
  expect(capped.systemPrompt).toContain('characters cut from SOUL.md');
  expect(capped.systemPrompt.length).toBeLessThan(1_500);
});
