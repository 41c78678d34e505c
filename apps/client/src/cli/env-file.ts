/**
 * `.env` in the working directory, under the environment (product.md: .env, then the environment,
 * then flags; later wins). Only variables not already set are taken from the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';

export function loadEnvFile(cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  let text: string;
  try {
    text = readFileSync(join(cwd, '.env'), 'utf8');
  } catch {
    return; // no .env is the normal case
  }
  for (const [name, value] of Object.entries(dotenv.parse(text))) if (env[name] === undefined) env[name] = value;
}
