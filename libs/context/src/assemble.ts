/**
 * Turning file contents into the system prompt, applying both caps. Pure: no I/O.
 *
 * Cap rule: every file is first held to the per-file cap. Then files are charged, in order, against
 * the total cap. The first file that does not fit in what is left is cut (head/tail, with the usual
 * marker) to the remaining budget if at least MIN_PARTIAL_FILE_CHARS remain, otherwise omitted; every
 * file after it is omitted. An omitted file still gets its heading and a marker saying why. Caps count
 * the files' own characters; headings and markers are extra (a few dozen characters per file).
 */
import { MIN_PARTIAL_FILE_CHARS } from './constants';
import { truncateHeadTail } from './truncate';

export interface ContextFileEntry {
  /** Relative path, e.g. SOUL.md or memory/2024-05-01.md. */
  name: string;
  content: string;
}

export interface ContextFileInfo {
  name: string;
  /** Length of the file as read. */
  chars: number;
  truncated: boolean;
  /** Characters left out (all of them for an omitted file). */
  cutChars: number;
  /** True when the total cap left no room for this file at all. */
  omitted: boolean;
}

export interface ContextResult {
  systemPrompt: string;
  files: ContextFileInfo[];
  /** One line each, for the log (unreadable files). */
  warnings: string[];
}

export interface Caps {
  perFileCap: number;
  totalCap: number;
}

export function omittedMarker(name: string, totalCap: number): string {
  return `[... ${name} omitted: the total context cap of ${totalCap} characters was reached ...]`;
}

export function assembleContext(entries: readonly ContextFileEntry[], caps: Caps, warnings: string[]): ContextResult {
  let remaining = caps.totalCap;
  const sections: string[] = [];
  const files: ContextFileInfo[] = [];
  for (const { name, content } of entries) {
    const capped = Math.min(caps.perFileCap, content.length);
    const fits = capped <= remaining;
    if (!fits && remaining < MIN_PARTIAL_FILE_CHARS) {
      remaining = 0;
      sections.push(`## ${name}\n\n${omittedMarker(name, caps.totalCap)}`);
      files.push({ name, chars: content.length, truncated: true, cutChars: content.length, omitted: true });
      continue;
    }
    const budget = fits ? caps.perFileCap : remaining;
    const { text, cutChars } = truncateHeadTail(content, budget, name);
    remaining = fits ? remaining - capped : 0;
    sections.push(`## ${name}\n\n${text.trim()}`);
    files.push({ name, chars: content.length, truncated: cutChars > 0, cutChars, omitted: false });
  }
  return { systemPrompt: sections.join('\n\n'), files, warnings };
}
