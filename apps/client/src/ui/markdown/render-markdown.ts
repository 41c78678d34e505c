/** Markdown → terminal text with marked + marked-terminal, one configured parser per width. */
import { stripVTControlCharacters } from 'node:util';
import { Marked } from 'marked';
import { markedTerminal } from 'marked-terminal';

export interface MarkdownOptions {
  /** Columns available; prose is reflowed to fit. */
  width: number;
  noColor: boolean;
}

const parsers = new Map<string, Marked>();

function parserFor({ width, noColor }: MarkdownOptions): Marked {
  const key = `${width}:${noColor}`;
  let parser = parsers.get(key);
  if (!parser) {
    // `showSectionPrefix: false`: a heading shows as a heading, not with its `#` marks.
    parser = new Marked(markedTerminal({ width, reflowText: true, showSectionPrefix: false, tab: 2, emoji: false }));
    parsers.set(key, parser);
  }
  return parser;
}

/** Rendered text without trailing blank lines. Never throws: broken markdown is shown raw. */
export function renderMarkdown(markdown: string, options: MarkdownOptions): string {
  let out: string;
  try {
    out = parserFor(options).parse(markdown, { async: false });
  } catch {
    out = markdown;
  }
  // marked-terminal colours through chalk (and cli-highlight for code); NO_COLOR means none at all.
  if (options.noColor) out = stripVTControlCharacters(out);
  return out.replace(/\s+$/, '');
}
