/**
 * Finds the key that authenticates the local link: --llm-key FILE, else CLAWCHAT_LOCAL_KEY, else
 * <state dir>/local.key (written by the LLM server on its first start).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export class LocalKeyError extends Error {
  constructor(
    message: string,
    /** The key file does not exist (yet): the LLM server may still be starting. */
    readonly missing = false,
  ) {
    super(message);
  }
}

/**
 * loadLocalKey, waiting up to `waitMs` for a key file that does not exist yet: started together on a
 * fresh machine, the relay may look before the LLM server has written its key.
 */
export async function waitForLocalKey(o: { file?: string; value?: string; stateDir: string; waitMs: number; pollMs?: number }): Promise<{ key: Buffer; source: string }> {
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    try {
      return loadLocalKey(o);
    } catch (err) {
      if (!(err instanceof LocalKeyError) || !err.missing || Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 200));
  }
}

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
        true,
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
