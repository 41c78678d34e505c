/** A short-lived program (a CLI command, an admin command): its output and exit code once it is done. */
import type { ChildProcess } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From this call to the end of the program's output. */
  ms: number;
}

export interface RunOptions {
  /** SIGKILL the program when it outlives this (a hung command must not hang the test). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed (when the program has a piped stdin). */
  input?: string;
}

export interface Run {
  done: Promise<RunResult>;
  /** What it printed so far (stdout then stderr), for failure messages while it still runs. */
  output(): string;
}

/** Collects `child`'s output until it exits and its pipes close (so no late output is lost). */
export function runToExit(child: ChildProcess, o: RunOptions = {}): Run {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve) => {
    const timer = o.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
  child.stdin?.end(o.input ?? '');
  return { done, output: () => stdout + stderr };
}
