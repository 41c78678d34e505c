/**
 * Context loading at the 60,000-character maximum: loadContext() (a fresh cache every call, so every
 * file is read and the prompt assembled and truncated) against reading the same files with
 * fs.readFileSync, plus the per-turn cost the server really pays (ContextCache.get, unchanged files).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContextCache, contextConstants, loadContext } from '@clawchat/context';
import { onCommands, reply } from '../../shared/worker-side';

export interface ContextLoadConfig {
  fileChars: number;
  loads: number;
  warmup: number;
}

/** Markdown-ish text of exactly `chars` characters: headings, paragraphs and lists, like real context files. */
export function contextText(name: string, chars: number): string {
  const lines: string[] = [`# ${name}`, ''];
  let i = 0;
  let length = lines.join('\n').length;
  while (length < chars) {
    const line = i % 12 === 0 ? `## Section ${i / 12 + 1}` : i % 3 === 0 ? `- rule ${i}: keep answers short and cite the file you used` : `Paragraph ${i} of ${name}: the assistant remembers what the person said and how they like to work.`;
    lines.push(line);
    length += line.length + 1;
    i++;
  }
  return lines.join('\n').slice(0, chars);
}

function timeEach(count: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    fn();
    out.push(performance.now() - start);
  }
  return out;
}

export async function runContextLoad(c: ContextLoadConfig): Promise<void> {
  onCommands(() => undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clawchat-bench-context-'));
  try {
    mkdirSync(path.join(dir, contextConstants.DAILY_MEMORY_DIR));
    const names = [...contextConstants.CONTEXT_FILES];
    for (const name of names) writeFileSync(path.join(dir, name), contextText(name, c.fileChars));
    const files = names.map((n) => path.join(dir, n));
    const now = new Date();
    let sink = 0;
    const load = () => (sink += loadContext(dir, { now }).systemPrompt.length);
    // The baseline reads the same bytes the loader reads, and decodes them the same way (UTF-8).
    const read = () => {
      for (const f of files) sink += readFileSync(f, 'utf8').length;
    };
    const cache = new ContextCache(dir);
    const cached = () => (sink += cache.get(now).systemPrompt.length);
    timeEach(c.warmup, load);
    timeEach(c.warmup, read);
    timeEach(c.warmup, cached);
    // Interleaved in blocks of ten so a burst of load elsewhere on the machine hits all three alike.
    const loadMs: number[] = [];
    const readMs: number[] = [];
    const cachedMs: number[] = [];
    for (let done = 0; done < c.loads; done += 10) {
      loadMs.push(...timeEach(10, load));
      readMs.push(...timeEach(10, read));
      cachedMs.push(...timeEach(10, cached));
    }
    const promptChars = loadContext(dir, { now }).systemPrompt.length;
    if (sink === 0) throw new Error('context loading produced nothing');
    await reply({ type: 'context', fileChars: names.length * c.fileChars, promptChars, files: names.length, loadMs, readMs, cachedMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
