/** Child side of a benchmark worker: the role and its config come on argv, results go back over IPC. */

export interface WorkerArgs {
  role: string;
  config: unknown;
}

export function workerArgs(argv = process.argv): WorkerArgs {
  const [role, json] = argv.slice(2);
  if (!role || !json) throw new Error('bench worker: expected <role> <config json>; start it through tools/bench/run.mjs');
  return { role, config: JSON.parse(json) as unknown };
}

export function reply(message: { type: string } & Record<string, unknown>): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

/** Calls `handler` for every command from the orchestrator; "stop" runs `onStop` and then exits cleanly. */
export function onCommands(handler: (m: { type: string } & Record<string, unknown>) => void, onStop: () => Promise<void> | void = () => undefined): void {
  process.on('message', (m: { type: string } & Record<string, unknown>) => {
    if (m.type === 'stop') {
      void Promise.resolve(onStop()).then(() => process.exit(0));
      return;
    }
    handler(m);
  });
  // The orchestrator died: do not linger as an orphan blasting datagrams.
  process.on('disconnect', () => process.exit(0));
}

/** What a suite's worker can be asked to be: role name → the function that plays it with its config. */
export type WorkerRoles = Record<string, (config: unknown) => Promise<void>>;

/** Where runWorkerRole reads its arguments and reports; the process's own unless a test passes others. */
export interface WorkerIo {
  argv?: string[];
  error?: (line: string) => void;
  exit?: (code: number) => void;
}

/**
 * The whole entry of a suite's worker process (`<suite>-worker.cjs <role> <config json>`): plays the
 * role named on argv. An unknown role exits 2 (a bug in the orchestrator), a failing role exits 1 with
 * one line saying why, so the orchestrator's "exited before answering" has a cause beside it.
 */
export async function runWorkerRole(roles: WorkerRoles, io: WorkerIo = {}): Promise<void> {
  const error = io.error ?? ((line: string) => console.error(line));
  const exit = io.exit ?? ((code: number) => process.exit(code));
  const { role, config } = workerArgs(io.argv);
  const run = roles[role];
  if (!run) {
    error(`bench worker: unknown role "${role}"`);
    return exit(2);
  }
  try {
    await run(config);
  } catch (err: unknown) {
    error(`bench worker ${role} failed: ${err instanceof Error ? err.message : String(err)}`);
    exit(1);
  }
}
