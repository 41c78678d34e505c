// Test-only helper: loads the published vectors from <repo>/../shared/vectors (never copied into the repo).
// Not exported from the library index.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** src/testing -> src -> crypto -> libs -> <repo> -> <repo>/.. */
export const VECTORS_DIR = path.resolve(__dirname, '../../../../../shared/vectors');

export function loadVectorFile<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(VECTORS_DIR, relativePath), 'utf8')) as T;
}

export function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}

export interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: G[];
}

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';
