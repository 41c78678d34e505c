/**
 * A pseudo-terminal harness on tmux: run a command in a detached tmux session of a given size, type
 * into it, read the screen (and its scrollback), wait for text, resize it, learn its exit status.
 *
 * Each session gets its own tmux server (`-L <socket>`), so tests never touch a user's tmux and a
 * kill cleans up everything. The child runs with CI unset: Ink renders nothing dynamic under CI=true.
 * `remain-on-exit` keeps the pane after the command ends, so its last screen can be read.
 *
 * The exit status is written to a file by the wrapping shell rather than read from tmux: a tmux server
 * started from a Node process (Jest) does not always reap its children, leaving the status unknown.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TmuxStartOptions {
  cols?: number;
  rows?: number;
  /** Environment of the command; CI and TMUX are always removed. Defaults to this process's environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Lines of scrollback tmux keeps (capture with `history: true`). */
  historyLimit?: number;
}

/** Quotes one argument for the `sh -c` tmux runs the command with. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class TmuxSession {
  private killed = false;

  private constructor(
    readonly socket: string,
    readonly name: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly scratch: string,
  ) {}

  private get statusFile(): string {
    return join(this.scratch, 'exit-status');
  }

  static async available(): Promise<boolean> {
    try {
      await run('tmux', ['-V']);
      return true;
    } catch {
      return false;
    }
  }

  static async start(command: string[], o: TmuxStartOptions = {}): Promise<TmuxSession> {
    const env: NodeJS.ProcessEnv = { ...(o.env ?? process.env) };
    delete env.CI;
    delete env.TMUX;
    delete env.TMUX_PANE;
    env.TERM = env.TERM && env.TERM !== 'dumb' ? env.TERM : 'xterm-256color';
    const scratch = mkdtempSync(join(tmpdir(), 'clawchat-tmux-'));
    const session = new TmuxSession(`clawchat-e2e-${process.pid}-${randomBytes(4).toString('hex')}`, 'main', env, scratch);
    const cols = String(o.cols ?? 80);
    const rows = String(o.rows ?? 24);
    const shellCommand = `${command.map(shellQuote).join(' ')}; printf '%s' "$?" > ${shellQuote(session.statusFile)}`;
    // One tmux invocation: the options are set before the command starts, so even an instant exit keeps its pane.
    await session.tmux([
      '-f',
      '/dev/null',
      'start-server',
      ';',
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
      ';',
      'set-option',
      '-g',
      'history-limit',
      String(o.historyLimit ?? 10_000),
      ';',
      'set-option',
      '-g',
      'status',
      'off',
      ';',
      'new-session',
      '-d',
      '-s',
      session.name,
      '-x',
      cols,
      '-y',
      rows,
      ...(o.cwd ? ['-c', o.cwd] : []),
      shellCommand,
    ]);
    return session;
  }

  private async tmux(args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, ...args], { env: this.env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  /** Sends tmux key names: 'Enter', 'Escape', 'C-c', 'Up', 'F2', 'BTab', 'M-1'... */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Types `text` literally (no key-name lookup). */
  async sendText(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /** The visible screen as plain text (`history: true` includes the scrollback above it). */
  async capture(o: { history?: boolean } = {}): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', this.name, ...(o.history ? ['-S', '-'] : [])]);
  }

  /** Polls the screen until `pattern` appears; rejects with the last screen after `timeoutMs`. */
  async waitForText(pattern: string | RegExp, timeoutMs = 10_000, o: { history?: boolean } = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const matches = (screen: string) => (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen));
    for (;;) {
      const screen = await this.capture(o);
      if (matches(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`"${String(pattern)}" did not appear within ${timeoutMs} ms; the screen was:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.name, '-x', String(cols), '-y', String(rows)]);
  }

  /** The command's exit status once it has ended (128 + signal number when a signal killed it), else undefined. */
  async exitStatus(): Promise<number | undefined> {
    let text: string;
    try {
      text = readFileSync(this.statusFile, 'utf8');
    } catch {
      return undefined;
    }
    return text === '' ? undefined : Number(text);
  }

  async waitForExit(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`the command did not exit within ${timeoutMs} ms; the screen was:\n${await this.capture()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends the command and this session's tmux server. Safe to call twice. */
  async kill(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    await this.tmux(['kill-server']).catch(() => undefined);
    rmSync(this.scratch, { recursive: true, force: true });
  }
}
