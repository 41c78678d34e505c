/**
 * Finds the key that authenticates the local link: --llm-key FILE, else CLAWCHAT_LOCAL_KEY, else
 * <state dir>/local.key (written by the LLM server on its first start).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export class LocalKeyError extends Error {}

export function loadLocalKey(o: { file?: string; value?: string; stateDir: string }): { key: Buffer; source: string } {
  if (o.file === undefined && o.value !== undefined && o.value.trim() !== '') {
    return { key: decode(o.value, 'CLAWCHAT_LOCAL_KEY'), source: 'CLAWCHAT_LOCAL_KEY' };
  }
  const file = o.file ?? path.join(o.stateDir, 'local.key');
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new LocalKeyError(
        `no local key at ${file}: start clawchat-llm first (it creates the key), or point the relay at it with --llm-key FILE or CLAWCHAT_LOCAL_KEY`,
      );
    }
    if (code === 'EACCES') throw new LocalKeyError(`cannot read the local key ${file}: permission denied (see docs/deploy.md for running as two users)`);
    throw new LocalKeyError(`cannot read the local key ${file}: ${(err as Error).message}`);
  }
  return { key: decode(raw, file), source: file };
}

function decode(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new LocalKeyError(`${where} does not hold a valid local key (expected 32 bytes in base64)`);
  return key;
}
