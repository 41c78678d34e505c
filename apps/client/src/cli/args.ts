/**
 * The command line (pure): `clawchat [file.sec]`, `clawchat send|files|cron|status ...`, with global
 * flags anywhere (--sec, --relay, --json, --help, --version). Throws UsageError with one line.
 */
import { parseHostPort } from '../connection/relay-address';
import type { RelayOverride } from '../connection/sec-target';
import { UsageError } from './usage-error';

export interface GlobalFlags {
  sec?: string;
  relay?: RelayOverride;
  json: boolean;
}

export type FilesCommand =
  | { kind: 'files'; action: 'ls'; path: string }
  | { kind: 'files'; action: 'get'; remote: string; local?: string; overwrite: boolean }
  | { kind: 'files'; action: 'put'; local: string; remote?: string; overwrite: boolean }
  | { kind: 'files'; action: 'rm'; path: string; recursive: boolean }
  | { kind: 'files'; action: 'mkdir'; path: string }
  | { kind: 'files'; action: 'mv'; from: string; to: string; overwrite: boolean };

export type CronCommand =
  | { kind: 'cron'; action: 'ls' | 'reload' }
  | { kind: 'cron'; action: 'run' | 'enable' | 'disable'; name: string }
  | { kind: 'cron'; action: 'log'; name: string; limit: number };

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'tui' }
  | { kind: 'send'; text?: string }
  | { kind: 'status' }
  | FilesCommand
  | CronCommand;

export interface Invocation {
  command: Command;
  flags: GlobalFlags;
}

/** Runs shown by `cron log` unless --limit says otherwise (the protocol allows up to 100). */
export const DEFAULT_CRON_LOG_LIMIT = 10;
const MAX_CRON_LOG_LIMIT = 100;

const VALUE_FLAGS = new Set(['--sec', '--relay', '--limit']);
const BOOLEAN_FLAGS = new Set(['--json', '--help', '-h', '--version', '-V', '--recursive', '-r', '--overwrite', '--force', '-f']);

interface Scanned {
  positionals: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

function scan(argv: string[]): Scanned {
  const out: Scanned = { positionals: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      out.values.set(name, value);
    } else if (BOOLEAN_FLAGS.has(name) && eq < 0) {
      out.switches.add(name);
    } else {
      throw new UsageError(`unknown option ${name} (see clawchat --help)`);
    }
  }
  return out;
}

function need(args: string[], count: number, usage: string): void {
  if (args.length < count) throw new UsageError(`missing argument: clawchat ${usage}`);
  if (args.length > count) throw new UsageError(`unexpected argument "${args[count]}": clawchat ${usage}`);
}

function between(args: string[], min: number, max: number, usage: string): void {
  if (args.length < min) throw new UsageError(`missing argument: clawchat ${usage}`);
  if (args.length > max) throw new UsageError(`unexpected argument "${args[max]}": clawchat ${usage}`);
}

function parseFiles(args: string[], s: Scanned): FilesCommand {
  const [action, ...rest] = args;
  const overwrite = s.switches.has('--overwrite') || s.switches.has('--force') || s.switches.has('-f');
  switch (action) {
    case 'ls':
      between(rest, 0, 1, 'files ls [path]');
      return { kind: 'files', action: 'ls', path: rest[0] ?? '' };
    case 'get':
      between(rest, 1, 2, 'files get <remote> [local]');
      return { kind: 'files', action: 'get', remote: rest[0], local: rest[1], overwrite };
    case 'put':
      between(rest, 1, 2, 'files put <local> [remote]');
      return { kind: 'files', action: 'put', local: rest[0], remote: rest[1], overwrite };
    case 'rm':
      need(rest, 1, 'files rm [-r] <path>');
      return { kind: 'files', action: 'rm', path: rest[0], recursive: s.switches.has('--recursive') || s.switches.has('-r') };
    case 'mkdir':
      need(rest, 1, 'files mkdir <path>');
      return { kind: 'files', action: 'mkdir', path: rest[0] };
    case 'mv':
      need(rest, 2, 'files mv <from> <to>');
      return { kind: 'files', action: 'mv', from: rest[0], to: rest[1], overwrite };
    case undefined:
      throw new UsageError('missing action: clawchat files ls|get|put|rm|mkdir|mv');
    default:
      throw new UsageError(`unknown action "files ${action}": use ls, get, put, rm, mkdir or mv`);
  }
}

function parseCron(args: string[], s: Scanned): CronCommand {
  const [action, ...rest] = args;
  switch (action) {
    case 'ls':
    case 'reload':
      need(rest, 0, `cron ${action}`);
      return { kind: 'cron', action };
    case 'run':
    case 'enable':
    case 'disable':
      need(rest, 1, `cron ${action} <job>`);
      return { kind: 'cron', action, name: rest[0] };
    case 'log': {
      need(rest, 1, 'cron log <job> [--limit N]');
      const raw = s.values.get('--limit');
      const limit = raw === undefined ? DEFAULT_CRON_LOG_LIMIT : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CRON_LOG_LIMIT) {
        throw new UsageError(`--limit must be a whole number from 1 to ${MAX_CRON_LOG_LIMIT}`);
      }
      return { kind: 'cron', action, name: rest[0], limit };
    }
    case undefined:
      throw new UsageError('missing action: clawchat cron ls|run|log|enable|disable|reload');
    default:
      throw new UsageError(`unknown action "cron ${action}": use ls, run, log, enable, disable or reload`);
  }
}

export function parseArgs(argv: string[]): Invocation {
  const s = scan(argv);
  const relayText = s.values.get('--relay');
  let relay: RelayOverride | undefined;
  if (relayText !== undefined) {
    relay = parseHostPort(relayText) ?? undefined;
    if (!relay) throw new UsageError(`--relay expects host:port (or [ipv6]:port), got "${relayText}"`);
  }
  const flags: GlobalFlags = { sec: s.values.get('--sec'), relay, json: s.switches.has('--json') };
  if (s.switches.has('--help') || s.switches.has('-h')) return { command: { kind: 'help' }, flags };
  if (s.switches.has('--version') || s.switches.has('-V')) return { command: { kind: 'version' }, flags };
  if (s.values.has('--limit') && !(s.positionals[0] === 'cron' && s.positionals[1] === 'log')) throw new UsageError('--limit only applies to cron log');

  const [first, ...rest] = s.positionals;
  switch (first) {
    case undefined:
      return { command: { kind: 'tui' }, flags };
    case 'help':
      return { command: { kind: 'help' }, flags };
    case 'send':
      return { command: { kind: 'send', text: rest.length ? rest.join(' ') : undefined }, flags };
    case 'status':
      need(rest, 0, 'status');
      return { command: { kind: 'status' }, flags };
    case 'files':
      return { command: parseFiles(rest, s), flags };
    case 'cron':
      return { command: parseCron(rest, s), flags };
    default: {
      // `clawchat path/to/file.sec`: anything that looks like a file, not a mistyped command.
      if (!first.endsWith('.sec') && !/[\\/]/.test(first)) throw new UsageError(`unknown command "${first}" (see clawchat --help)`);
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}" after the .sec file`);
      if (flags.sec && flags.sec !== first) throw new UsageError('give the .sec file either as an argument or with --sec, not both');
      return { command: { kind: 'tui' }, flags: { ...flags, sec: first } };
    }
  }
}
