/**
 * Node programs started inside a network namespace (`ip netns exec NS node ...`). `ip netns exec`
 * execs the program after entering the namespace, so the child's pid is node's own and signals reach it.
 * Waiting, collecting and stopping come from @clawchat/testing, like the programs the other suites start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { WatchedProcess, childEnv, runToExit, type Run } from '@clawchat/testing';

export type { RunResult } from '@clawchat/testing';

export function nsSpawn(ns: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string }): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A short-lived program: its output and exit code; SIGKILLed when it outlives `timeoutMs`. */
export function nsRun(ns: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs: number; input?: string }): Run & { child: ChildProcess } {
  const child = nsSpawn(ns, args, opts);
  return { child, ...runToExit(child, { timeoutMs: opts.timeoutMs, input: opts.input }) };
}

/** A long-running server: keeps its output, waits for a line, stops with SIGTERM then SIGKILL. */
export class NsServer extends WatchedProcess {
  constructor(name: string, ns: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string }) {
    super(name, nsSpawn(ns, args, opts));
  }
}
