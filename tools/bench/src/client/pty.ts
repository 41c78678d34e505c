/**
 * A program in a pseudo-terminal through util-linux `script` (no native module needed): its output
 * arrives on a pipe as the program writes it, so every chunk gets an exact timestamp (no screen
 * polling), and keystrokes are written to the terminal one write each, as a person types them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { childPids } from '../relay/proc-stat';
import { BEGIN_FRAME, SequenceCounter, stripAnsi } from './terminal-output';

/** Quotes one argument for `sh -c`. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface PtyOptions {
  cols: number;
  rows: number;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface TextWaiter {
  text: string;
  resolve: (at: number) => void;
}

/** How much earlier output a text search also looks at, for text split across two chunks. */
const OVERLAP_CHARS = 4_096;

export class PtySession {
  /** performance.now() just before the process was spawned. */
  readonly spawnedAt: number;
  readonly frames = new SequenceCounter(BEGIN_FRAME);
  /** performance.now() of the first frame marker, if one came. */
  firstFrameAt: number | undefined;
  bytes = 0;
  /** The whole output while `keepOutput` is on (start-up runs: small); else only a tail. */
  output = '';
  keepOutput = true;
  readonly exited: Promise<number>;
  /** performance.now() when `script` exited (the program ended and the terminal closed). */
  exitedAt: number | undefined;
  private readonly child: ChildProcess;
  private tail = '';
  private lastChunkAt = 0;
  private waiters: TextWaiter[] = [];

  constructor(command: string[], o: PtyOptions) {
    // stty first: a pty made by script has no size of its own when our stdin is not a terminal.
    const shellCommand = `stty cols ${o.cols} rows ${o.rows}; exec ${command.map(shellQuote).join(' ')}`;
    this.spawnedAt = performance.now();
    this.child = spawn('script', ['-qfec', shellCommand, '/dev/null'], { cwd: o.cwd, env: { ...o.env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (chunk: string) => this.onChunk(chunk, performance.now()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitedAt = performance.now();
        resolve(code ?? (signal ? 128 : -1));
      }),
    );
    this.child.stdin?.on('error', () => undefined); // the program may be gone when a last key is written
  }

  private onChunk(chunk: string, at: number): void {
    this.lastChunkAt = at;
    this.bytes += chunk.length;
    if (this.frames.push(chunk) > 0) this.firstFrameAt ??= at;
    if (this.keepOutput) this.output += chunk;
    const window = (this.tail + chunk).slice(-(chunk.length + OVERLAP_CHARS));
    this.tail = window.slice(-OVERLAP_CHARS);
    if (this.waiters.length === 0) return;
    const plain = stripAnsi(window);
    this.waiters = this.waiters.filter((w) => {
      if (!plain.includes(w.text)) return true;
      w.resolve(at);
      return false;
    });
  }

  /**
   * Resolves with the performance.now() of the chunk in which `text` appears from now on. Only new
   * output counts by default: the same text may still be on the screen from before (the same typed
   * letters in the scrollback). `includeRecent` also accepts it in the last few KiB already received.
   */
  waitForText(text: string, timeoutMs: number, o: { includeRecent?: boolean } = {}): Promise<number> {
    if (o.includeRecent && stripAnsi(this.tail).includes(text)) return Promise.resolve(this.lastChunkAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`"${text}" did not appear on the terminal within ${timeoutMs} ms; the last output was: ${JSON.stringify(stripAnsi(this.tail).slice(-600))}`));
      }, timeoutMs);
      const waiter: TextWaiter = {
        text,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Has `text` appeared in the output kept so far (start-up runs keep all of it)? */
  seen(text: string): boolean {
    return stripAnsi(this.output).includes(text);
  }

  write(data: string): void {
    this.child.stdin?.write(data);
  }

  /** The program's own pid: script's child is the shell, which exec'd the program. */
  programPid(): number | undefined {
    return childPids(this.child.pid as number)[0];
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const pid = this.programPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
