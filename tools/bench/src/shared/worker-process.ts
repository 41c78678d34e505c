/**
 * Parent side of a benchmark worker: a separate node process (so sender and receiver each get their
 * own core and event loop) that talks to the orchestrator over the fork() IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface WorkerMessage {
  type: string;
}

export interface WorkerStartOptions {
  /** Extra node flags, e.g. --expose-gc or --cpu-prof. */
  execArgv?: string[];
  /** Give up on any awaited message after this long (a hung worker must not hang the whole run). */
  timeoutMs?: number;
}

export class WorkerProcess<In extends WorkerMessage> {
  private readonly inbox: In[] = [];
  private readonly waiters: { type: string; resolve: (m: In) => void; reject: (e: Error) => void }[] = [];
  private exited: Error | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly role: string,
    private readonly timeoutMs: number,
  ) {
    child.on('message', (m: In) => this.deliver(m));
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = new Error(`bench worker ${role} exited (${signal ?? `code ${code}`}) before answering`);
        for (const w of this.waiters.splice(0)) w.reject(this.exited);
        resolve();
      });
    });
  }

  /** Starts `script role '<config json>'`; the worker's stdout/stderr go to ours so its errors are seen. */
  static start<In extends WorkerMessage>(script: string, role: string, config: unknown, o: WorkerStartOptions = {}): WorkerProcess<In> {
    const child = fork(script, [role, JSON.stringify(config)], { execArgv: o.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new WorkerProcess<In>(child, role, o.timeoutMs ?? 60_000);
  }

  private deliver(m: In): void {
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    else this.inbox.push(m);
  }

  /** The next message of `type` from the worker (already received ones first). */
  next<T extends In['type']>(type: T): Promise<Extract<In, { type: T }>> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as Extract<In, { type: T }>);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`bench worker ${this.role} sent no "${type}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const waiter = {
        type,
        resolve: (m: In) => {
          clearTimeout(timer);
          resolve(m as Extract<In, { type: T }>);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  send(message: WorkerMessage & Record<string, unknown>): void {
    if (!this.exited && this.child.connected) this.child.send(message);
  }

  /** Asks the worker to finish (so --cpu-prof can write its profile), then kills it if it does not. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
