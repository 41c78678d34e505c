// Command-line parsing for the lossy proxy (pure, so it is tested without starting a process).
import { parseArgs } from 'node:util';
import { checkProbability } from './impairment';
import type { Endpoint, LossyProxyOptions } from './lossy-proxy';

export const USAGE = `usage: lossy-proxy --target HOST:PORT [--listen HOST:PORT] [--loss P] [--loss-up P] [--loss-down P]
                   [--duplicate P] [--reorder P] [--reorder-hold MS] [--delay MS] [--jitter MS] [--seed N]
Probabilities are 0..1. Prints one JSON line {"event":"listening",...} on stdout when ready.
Commands on stdin: "rebind", "loss UP [DOWN]", "stats". SIGUSR1 also rebinds.`;

export class CliUsageError extends Error {}

/** Parses "host:port", "[v6]:port" or ":port". */
export function parseEndpoint(text: string, flag: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliUsageError(`${flag} must be HOST:PORT (IPv6 as [ADDR]:PORT), got "${text}"`);
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

function number(value: string | undefined, flag: string, check?: (n: number) => void): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) throw new CliUsageError(`${flag} must be a number, got "${value}"`);
  try {
    check?.(parsed);
  } catch (error) {
    throw new CliUsageError(`${flag}: ${(error as Error).message}`);
  }
  return parsed;
}

const probability = (flag: string) => (n: number) => checkProbability(flag, n);
const nonNegative = (flag: string) => (n: number) => {
  if (n < 0) throw new RangeError(`${flag} must not be negative`);
};

export type CliCommand = { kind: 'help' } | { kind: 'run'; options: LossyProxyOptions };

export function parseCliArgs(argv: string[]): CliCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        listen: { type: 'string' },
        target: { type: 'string' },
        loss: { type: 'string' },
        'loss-up': { type: 'string' },
        'loss-down': { type: 'string' },
        duplicate: { type: 'string' },
        reorder: { type: 'string' },
        'reorder-hold': { type: 'string' },
        delay: { type: 'string' },
        jitter: { type: 'string' },
        seed: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const targetText = str('target');
  if (targetText === undefined) throw new CliUsageError('--target HOST:PORT is required');
  const listen = parseEndpoint(str('listen') ?? '127.0.0.1:0', '--listen');
  const options: LossyProxyOptions = {
    target: parseEndpoint(targetText, '--target'),
    listenHost: listen.host,
    listenPort: listen.port,
    loss: number(str('loss'), '--loss', probability('--loss')),
    lossUp: number(str('loss-up'), '--loss-up', probability('--loss-up')),
    lossDown: number(str('loss-down'), '--loss-down', probability('--loss-down')),
    duplicate: number(str('duplicate'), '--duplicate', probability('--duplicate')),
    reorder: number(str('reorder'), '--reorder', probability('--reorder')),
    reorderHoldMs: number(str('reorder-hold'), '--reorder-hold', nonNegative('--reorder-hold')),
    delayMs: number(str('delay'), '--delay', nonNegative('--delay')),
    jitterMs: number(str('jitter'), '--jitter', nonNegative('--jitter')),
    seed: number(str('seed'), '--seed', (n) => {
      if (!Number.isInteger(n)) throw new RangeError('must be an integer');
    }),
  };
  return { kind: 'run', options };
}

export type ControlCommand = { kind: 'rebind' } | { kind: 'loss'; up: number; down: number } | { kind: 'stats' };

/** Parses one stdin control line; throws CliUsageError on anything else. */
export function parseControlLine(line: string): ControlCommand | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const [command, ...rest] = words;
  if (command === 'rebind' && rest.length === 0) return { kind: 'rebind' };
  if (command === 'stats' && rest.length === 0) return { kind: 'stats' };
  if (command === 'loss' && (rest.length === 1 || rest.length === 2)) {
    const up = number(rest[0], 'loss UP', probability('loss UP')) as number;
    const down = rest.length === 2 ? (number(rest[1], 'loss DOWN', probability('loss DOWN')) as number) : up;
    return { kind: 'loss', up, down };
  }
  throw new CliUsageError(`unknown command "${line.trim()}": use rebind, loss UP [DOWN] or stats`);
}
