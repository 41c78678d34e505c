/**
 * The clawchat command: parse, dispatch, and turn every failure into one line and an exit code
 * (0 ok, 1 remote error, 2 usage, 3 cannot connect / credential). Stack traces only with CLAWCHAT_DEBUG=1.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError } from '../connection/connect-error';
import { CLIENT_VERSION, HEADLESS_HANDSHAKE_TIMEOUT_MS } from '../connection/constants';
import { CredentialStore, clientStateDir } from '../connection/credential-store';
import { errorCode } from '../connection/types';
import { resolveLocalPath, userWorkingDir } from '../paths/local-path';
import { parseArgs, type Invocation } from './args';
import { runCron } from './commands/cron';
import { runFiles } from './commands/files';
import { runSend } from './commands/send';
import { runStatus } from './commands/status';
import { loadEnvFile } from './env-file';
import { EXIT, type ExitCode } from './exit-codes';
import { exitCodeFor, oneLine } from './failure';
import { runInteractive } from './interactive';
import { jsonLine, readAll, type Io } from './io';
import { openConnection } from './open-connection';
import { debugEnabled } from './settings';
import { UsageError } from './usage-error';
import { USAGE } from './usage';

/** Handshakes a script's connection tries after losing its session before it reports exit code 3. */
const HEADLESS_RECONNECT_ATTEMPTS = 3;

export interface RunContext {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** The process's working directory (where .env is read); local paths use userWorkingDir of it. */
  cwd: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function debugLog(ctx: RunContext, tui: boolean): ((line: string) => void) | undefined {
  if (!debugEnabled(ctx.env)) return undefined;
  if (!tui) return (line) => ctx.stderr.write(`debug client: ${line}\n`);
  // The TUI owns the terminal: its debug lines go to a file beside the credentials.
  const dir = clientStateDir(ctx.env);
  const file = join(dir, 'client-debug.log');
  return (line) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      appendFileSync(file, `${new Date().toISOString()} debug client: ${line}\n`, { mode: 0o600 });
    } catch {
      // Debug output must never break the client.
    }
  };
}

async function messageText(ctx: RunContext, text: string | undefined): Promise<string> {
  if (text === undefined) {
    if (ctx.stdin.isTTY) throw new UsageError('no message: clawchat send "text", or pipe the text on stdin');
    text = await readAll(ctx.stdin);
    if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  }
  if (text.trim() === '') throw new UsageError('the message is empty');
  return text;
}

async function runHeadless(ctx: RunContext, inv: Invocation, localBase: string): Promise<ExitCode> {
  const { command, flags } = inv;
  const text = command.kind === 'send' ? await messageText(ctx, command.text) : undefined;
  const io: Io = { stdout: ctx.stdout, stderr: ctx.stderr, json: flags.json };
  const conn = await openConnection({
    sec: flags.sec,
    relay: flags.relay,
    env: ctx.env,
    store: new CredentialStore(clientStateDir(ctx.env)),
    maxReconnectAttempts: HEADLESS_RECONNECT_ATTEMPTS,
    handshakeTimeoutMs: HEADLESS_HANDSHAKE_TIMEOUT_MS,
    log: debugLog(ctx, false),
    onNote: (line) => ctx.stderr.write(`clawchat: ${line}\n`),
  });
  try {
    switch (command.kind) {
      case 'send':
        return await runSend(conn, text as string, io);
      case 'status':
        return await runStatus(conn, io);
      case 'files':
        return await runFiles(conn, command, io, localBase);
      case 'cron':
        return await runCron(conn, command, io);
      default:
        throw new UsageError(`${command.kind} is not a headless command`);
    }
  } finally {
    await conn.close();
  }
}

export async function run(ctx: RunContext): Promise<ExitCode> {
  let json = false;
  try {
    loadEnvFile(ctx.cwd, ctx.env);
    const parsed = parseArgs(ctx.argv);
    json = parsed.flags.json;
    // Every local path the user gave (the .sec, files get/put, the download folder) is resolved here
    // or from `localBase`: `~` is home, relative means the user's folder even under `npm run`.
    const localBase = userWorkingDir(ctx.env, ctx.cwd);
    const sec = parsed.flags.sec === undefined ? undefined : resolveLocalPath(parsed.flags.sec, localBase);
    const inv: Invocation = { ...parsed, flags: { ...parsed.flags, sec } };
    switch (inv.command.kind) {
      case 'help':
        ctx.stdout.write(USAGE);
        return EXIT.OK;
      case 'version':
        ctx.stdout.write(`clawchat ${CLIENT_VERSION}\n`);
        return EXIT.OK;
      case 'tui':
        return await runInteractive({
          sec: inv.flags.sec,
          relay: inv.flags.relay,
          env: ctx.env,
          store: new CredentialStore(clientStateDir(ctx.env)),
          cwd: ctx.cwd,
          localBase,
          log: debugLog(ctx, true),
        });
      default:
        return await runHeadless(ctx, inv, localBase);
    }
  } catch (err) {
    if (debugEnabled(ctx.env) && err instanceof Error) ctx.stderr.write(`${err.stack ?? err.message}\n`);
    const line = oneLine(err);
    if (json && !(err instanceof UsageError)) {
      jsonLine({ stdout: ctx.stdout, stderr: ctx.stderr, json }, { type: 'error', code: err instanceof ConnectError ? err.kind : (errorCode(err) ?? 'INTERNAL'), message: line });
    }
    ctx.stderr.write(`clawchat: ${line}\n`);
    return exitCodeFor(err);
  }
}
