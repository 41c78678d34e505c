/**
 * Reading the context directory: loadContext() reads everything once; ContextCache stats the files
 * each turn and re-reads only those whose mtime or size changed, so an edit to SOUL.md takes effect
 * on the next message without a restart and an unchanged directory costs a few stat calls.
 */
import { join } from 'node:path';
import { assembleContext, type ContextFileEntry, type ContextResult } from './assemble';
import { DEFAULT_PER_FILE_CAP, DEFAULT_TOTAL_CAP } from './constants';
import { contextFileNames, serverTimeZone } from './context-files';
import { errorCode, isMissingFileError, nodeContextFs, type ContextFileStat, type ContextFs } from './context-fs';

export interface ContextOptions {
  perFileCap?: number;
  totalCap?: number;
  /** Zone that decides "today" for memory/YYYY-MM-DD.md; defaults to the server's. */
  timeZone?: string;
  /** File access; tests inject one that counts or fails. */
  fs?: ContextFs;
}

export interface LoadContextOptions extends ContextOptions {
  now: Date;
}

function unreadableWarning(name: string, error: unknown): string {
  return `Context file ${name} could not be read (${errorCode(error)}) and was skipped; check its permissions.`;
}

type FileState =
  | { kind: 'missing' }
  | { kind: 'error'; warning: string }
  | { kind: 'file'; stat: ContextFileStat };

function statFile(fs: ContextFs, dir: string, name: string): FileState {
  try {
    const stat = fs.stat(join(dir, ...name.split('/')));
    return stat ? { kind: 'file', stat } : { kind: 'missing' };
  } catch (error) {
    return isMissingFileError(error) ? { kind: 'missing' } : { kind: 'error', warning: unreadableWarning(name, error) };
  }
}

interface NamedState {
  name: string;
  state: FileState;
}

/** Field by field: a JSON signature of the same states cost ~13 µs per turn. */
function sameStates(a: readonly NamedState[], b: readonly NamedState[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i].state;
    const y = b[i].state;
    if (a[i].name !== b[i].name || x.kind !== y.kind) return false;
    if (x.kind === 'file' && y.kind === 'file' && (x.stat.mtimeMs !== y.stat.mtimeMs || x.stat.size !== y.stat.size)) return false;
    if (x.kind === 'error' && y.kind === 'error' && x.warning !== y.warning) return false;
  }
  return true;
}

function capsOf(options: ContextOptions): { perFileCap: number; totalCap: number } {
  return { perFileCap: options.perFileCap ?? DEFAULT_PER_FILE_CAP, totalCap: options.totalCap ?? DEFAULT_TOTAL_CAP };
}

/** Reads the context files of `dir` and builds the system prompt. */
export function loadContext(dir: string, options: LoadContextOptions): ContextResult {
  return new ContextCache(dir, options).get(options.now);
}

interface CachedFile {
  stat: ContextFileStat;
  content: string;
}

export class ContextCache {
  private readonly fs: ContextFs;
  private readonly timeZone: string;
  private readonly files = new Map<string, CachedFile>();
  /** What the files looked like when `result` was built. */
  private states: readonly NamedState[] = [];
  private result: ContextResult | null = null;
  /** A read failed last time: try again next turn even if nothing looks changed (chmod keeps mtime). */
  private retryReads = false;

  constructor(
    readonly dir: string,
    private readonly options: ContextOptions = {},
  ) {
    this.fs = options.fs ?? nodeContextFs;
    this.timeZone = options.timeZone ?? serverTimeZone();
  }

  /**
   * The context for a turn at `now`. Returns the very same object as last time when no file changed,
   * so a caller can log `warnings` only when the result is new.
   */
  get(now: Date): ContextResult {
    const names = contextFileNames(now, this.timeZone);
    const states = names.map((name) => ({ name, state: statFile(this.fs, this.dir, name) }));
    if (this.result && sameStates(states, this.states) && !this.retryReads) return this.result;

    const entries: ContextFileEntry[] = [];
    const warnings: string[] = [];
    const seen = new Set<string>();
    this.retryReads = false;
    for (const { name, state } of states) {
      if (state.kind === 'missing') continue;
      if (state.kind === 'error') {
        warnings.push(state.warning);
        continue;
      }
      seen.add(name);
      let cached = this.files.get(name);
      if (!cached || cached.stat.mtimeMs !== state.stat.mtimeMs || cached.stat.size !== state.stat.size) {
        try {
          cached = { stat: state.stat, content: this.fs.readFile(join(this.dir, ...name.split('/'))) };
          this.files.set(name, cached);
        } catch (error) {
          this.files.delete(name);
          if (!isMissingFileError(error)) warnings.push(unreadableWarning(name, error));
          this.retryReads = true;
          continue;
        }
      }
      if (cached.content.trim() !== '') entries.push({ name, content: cached.content });
    }
    for (const name of [...this.files.keys()]) if (!seen.has(name)) this.files.delete(name);

    this.states = states;
    this.result = assembleContext(entries, capsOf(this.options), warnings);
    return this.result;
  }
}
