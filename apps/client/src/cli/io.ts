/** Where headless commands write: the reply or result to stdout, notices to stderr; --json as JSON lines. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  json: boolean;
}

export function jsonLine(io: Io, value: unknown): void {
  io.stdout.write(JSON.stringify(value) + '\n');
}

export function textLine(io: Io, line: string): void {
  io.stdout.write(line + '\n');
}

/** A column of text padded to `width` characters (longer text is kept whole: scripts parse --json). */
export const pad = (text: string, width: number): string => text.padEnd(width);

/**
 * Rows of cells as aligned lines: every column but the last padded to its widest cell (header
 * included), two spaces between columns, no trailing blanks. Widths count characters, not bytes.
 */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length)))
      .join('  ')
      .trimEnd(),
  );
}

/** Reads all of stdin as UTF-8 (the message of `clawchat send` when no text is given). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
