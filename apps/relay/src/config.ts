/**
 * Relay configuration: `.env` in the working directory, then the environment, then flags (later wins).
 * Every bad value is a one-line ConfigError naming the setting and what it expects.
 */
import { isIP } from 'node:net';
import path from 'node:path';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface RelayConfig {
  ip: string;
  /** undefined: reuse the saved port, else a random one in 49152–65535. */
  port: number | undefined;
  publicHosts: string[];
  llmIp: string;
  llmPort: number;
  llmKeyFile: string | undefined;
  llmKeyValue: string | undefined;
  llmTimeoutMs: number;
  securityDir: string;
  stateDir: string;
  bootstrapKey: string | undefined;
  /** Test and debugging knobs (documented in .env.example): shorter timers. */
  secValidityMs: number | undefined;
  secRegenerateMs: number | undefined;
  rekeyAfterMs: number | undefined;
  debug: boolean;
}

export const USAGE = `Usage:
  clawchat-relay --ip ADDRESS [--port N] [--public-host HOST] [--llm-ip 127.0.0.1] [--llm-port 55556]
                 [--llm-key FILE] [--llm-timeout MS] [--security-dir DIR] [--state-dir DIR]
  clawchat-relay status [--json]             show the running relay's state
  clawchat-relay issue                       write a fresh .sec for another device
  clawchat-relay revoke <device|fingerprint|--all>   the compromise procedure
  clawchat-relay rotate-identity             new relay key and bootstrap key; revokes every device
  (the admin commands talk to the relay through DIR/relay.sock: give them the relay's --security-dir;
   exit codes 0 ok, 1 refused, 2 usage, 3 no relay running)

--ip is the address to listen on (0.0.0.0 or :: for all); the address clients dial goes into the .sec:
--public-host if given, else --ip when it is a concrete address, else this machine's addresses.`;

function intSetting(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export interface ParsedArgs {
  command: 'serve' | 'status' | 'issue' | 'revoke' | 'rotate-identity' | 'help' | 'version';
  flags: Map<string, string>;
  positional: string[];
}

const VALUE_FLAGS = new Set(['ip', 'port', 'public-host', 'llm-ip', 'llm-port', 'llm-key', 'llm-timeout', 'security-dir', 'state-dir']);
const BOOL_FLAGS = new Set(['json', 'all', 'help', 'version', 'debug']);

export function parseArgs(argv: string[]): ParsedArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h') flags.set('help', 'true');
    else if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (BOOL_FLAGS.has(name)) flags.set(name, 'true');
      else if (VALUE_FLAGS.has(name)) {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new ConfigError(`--${name} needs a value`);
        if (name === 'public-host') flags.set(name, flags.has(name) ? `${flags.get(name)},${value}` : value);
        else flags.set(name, value);
      } else throw new ConfigError(`unknown option --${name} (see clawchat-relay --help)`);
    } else positional.push(a);
  }
  let command: ParsedArgs['command'] = 'serve';
  if (flags.has('help')) command = 'help';
  else if (flags.has('version')) command = 'version';
  else if (positional.length) {
    const c = positional.shift() as string;
    if (c === 'status' || c === 'issue' || c === 'revoke' || c === 'rotate-identity' || c === 'help') command = c;
    else throw new ConfigError(`unknown command "${c}" (see clawchat-relay --help)`);
  }
  return { command, flags, positional };
}

export function resolveConfig(args: ParsedArgs, rawEnv: Record<string, string | undefined>): RelayConfig {
  // An empty variable (as in a copied .env.example) means "not set".
  const env = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const f = args.flags;
  const ip = f.get('ip') ?? env.CLAWCHAT_RELAY_IP ?? (args.command === 'serve' ? undefined : '0.0.0.0');
  if (ip === undefined) throw new ConfigError('--ip is required: the address to listen on, e.g. --ip 0.0.0.0 (all IPv4) or --ip :: (dual-stack)');
  if (!isIP(ip)) throw new ConfigError(`--ip must be an IP address to listen on, got "${ip}"`);
  const port = intSetting('--port', f.get('port') ?? env.CLAWCHAT_RELAY_PORT, 0, 65535);
  const llmIp = f.get('llm-ip') ?? env.CLAWCHAT_LLM_IP ?? '127.0.0.1';
  if (!isIP(llmIp)) throw new ConfigError(`--llm-ip must be an IP address, got "${llmIp}"`);
  const llmPort = intSetting('--llm-port', f.get('llm-port') ?? env.CLAWCHAT_LLM_PORT, 1, 65535) ?? 55556;
  const llmTimeoutMs = intSetting('--llm-timeout', f.get('llm-timeout') ?? env.CLAWCHAT_LLM_TIMEOUT_MS, 100, 3_600_000) ?? 60_000;
  const publicHosts = (f.get('public-host') ?? env.CLAWCHAT_PUBLIC_HOST ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (const h of publicHosts) {
    if (!/^[A-Za-z0-9.:-]+$/.test(h)) throw new ConfigError(`--public-host must be a host name or IP address, got "${h}"`);
  }
  const stateDir = path.resolve(f.get('state-dir') ?? env.CLAWCHAT_STATE_DIR ?? './data');
  return {
    ip,
    port,
    publicHosts,
    llmIp,
    llmPort,
    llmKeyFile: f.get('llm-key'),
    llmKeyValue: env.CLAWCHAT_LOCAL_KEY,
    llmTimeoutMs,
    securityDir: path.resolve(f.get('security-dir') ?? env.CLAWCHAT_SECURITY_DIR ?? './security'),
    stateDir,
    bootstrapKey: env.CLAWCHAT_BOOTSTRAP_KEY,
    secValidityMs: intSetting('CLAWCHAT_SEC_VALIDITY_MS', env.CLAWCHAT_SEC_VALIDITY_MS, 1000, 86_400_000),
    secRegenerateMs: intSetting('CLAWCHAT_SEC_REGENERATE_MS', env.CLAWCHAT_SEC_REGENERATE_MS, 1000, 86_400_000),
    rekeyAfterMs: intSetting('CLAWCHAT_REKEY_AFTER_MS', env.CLAWCHAT_REKEY_AFTER_MS, 1000, 3_600_000),
    debug: f.has('debug') || env.CLAWCHAT_DEBUG === '1',
  };
}
