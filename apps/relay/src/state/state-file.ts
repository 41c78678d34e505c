/**
 * Reading the relay's JSON state files (peers.json, tickets.json). They hold PSKs, so a damaged file
 * is reported by name only: node's JSON.parse errors quote the text around the fault, which would put
 * secret bytes into a log or a terminal.
 */
import { readFileSync } from 'node:fs';

/** A state file that exists but cannot be used; the message names the file and never its content. */
export class DamagedStateError extends Error {}

/** The parsed file, or undefined when it does not exist yet. */
export function readStateFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DamagedStateError(`${file} is damaged (not valid JSON)`);
  }
}
