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
