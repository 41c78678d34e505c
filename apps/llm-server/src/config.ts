/**
 * Configuration: `.env` in the working directory, then the environment, then flags (later wins).
 * Pure apart from reading the .env file (the caller passes its text). Every mistake is a ConfigError
 * whose message is one line naming the variable or flag and what it expects.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { ConfigError, type Env } from '@clawchat/llm';
import { DEFAULT_CONTEXT_DIR, DEFAULT_FILES_DIR, DEFAULT_PORT, DEFAULT_STATE_DIR, LISTEN_HOST } from './constants';

export interface ServerConfig {
  host: string;
  /** 0 asks the system for a free port (tests); the ready line names the real one. */
  port: number;
  /** As the person wrote it (for the ready line) and resolved against the working directory. */
  contextDirShown: string;
  contextDir: string;
  filesDir: string;
  stateDir: string;
  /** Context caps in characters (CLAWCHAT_CONTEXT_FILE_CHARS / _TOTAL_CHARS); undefined = libs/context's defaults. */
  contextFileChars?: number;
  contextTotalChars?: number;
  /** Upload size limit in bytes; undefined = the sandbox's default (10 GiB). */
  maxUploadBytes?: number;
  /** The local key from CLAWCHAT_LOCAL_KEY (base64), when set: then no key file is read or created. */
  localKeyBase64?: string;
  debug: boolean;
  /** The merged environment (.env + process env), for the provider configuration. */
  env: Env;
}

export type CliRequest = { kind: 'run'; config: ServerConfig } | { kind: 'help' } | { kind: 'version' };

export const USAGE = `Usage: clawchat-llm [options]

The ClawChat LLM server: keeps the conversation, the context files, the cron jobs and the shared
files, and talks to the model provider. It listens on 127.0.0.1 only; the relay connects to it.

Options:
  --port N           UDP port on 127.0.0.1 (CLAWCHAT_LLM_PORT, default ${DEFAULT_PORT}; 0 picks a free one)
  --context-dir DIR  context files and CRON.md          (CLAWCHAT_CONTEXT_DIR, default ${DEFAULT_CONTEXT_DIR})
  --files-dir DIR    the sandbox for file operations    (CLAWCHAT_FILES_DIR, default ${DEFAULT_FILES_DIR})
  --state-dir DIR    llm_session.json, local.key, logs  (CLAWCHAT_STATE_DIR, default ${DEFAULT_STATE_DIR})
  -h, --help         show this help
  -V, --version      show the version

Provider settings come from the environment or .env (see .env.example): CLAWCHAT_LLM_PROVIDER,
DEEPSEEK_API_KEY, OPENAI_API_KEY, ANTHROPIC_API_KEY, CLAWCHAT_LLM_MODEL, CLAWCHAT_LLM_BASE_URL, ...
With no key the built-in offline provider answers. Context caps: CLAWCHAT_CONTEXT_FILE_CHARS
(default 20000 per file) and CLAWCHAT_CONTEXT_TOTAL_CHARS (default 60000 in all).

Exit codes: 0 stopped normally, 1 failed while running, 2 bad configuration.`;

const VALUE_FLAGS = ['--port', '--context-dir', '--files-dir', '--state-dir'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

/** Reads the flags; throws ConfigError for an unknown flag or a missing value. */
export function parseFlags(argv: readonly string[]): { help: boolean; version: boolean; values: Partial<Record<ValueFlag, string>> } {
  const values: Partial<Record<ValueFlag, string>> = {};
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '-V' || arg === '--version') {
      version = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!isValueFlag(name)) throw new ConfigError(`unknown option ${JSON.stringify(arg)}; run clawchat-llm --help`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new ConfigError(`${name} needs a value; run clawchat-llm --help`);
    values[name] = value;
  }
  return { help, version, values };
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`${source} must be a UDP port number from 0 to 65535 (got ${JSON.stringify(value)})`);
  }
  return port;
}

function parseCharCount(value: string, variable: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${variable} must be a positive whole number of characters, e.g. 20000`);
  return n;
}

function parseByteCount(value: string, variable: string): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new ConfigError(`${variable} must be a positive whole number of bytes, e.g. 10737418240`);
  return n;
}

/** Merges .env text under the process environment (the environment wins). Throws nothing: dotenv ignores what it cannot parse. */
export function mergeEnv(dotenvText: string | undefined, processEnv: Env): Env {
  const fromFile = dotenvText === undefined ? {} : parseDotenv(dotenvText);
  return { ...fromFile, ...processEnv };
}

/** `path` with symlinks resolved as far as it exists (a folder not created yet keeps its last parts as given). */
function realLocation(path: string): string {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

/**
 * The files folder is served to every connected device, so it must not contain what the servers keep
 * secret: with CLAWCHAT_FILES_DIR=. or ~ a device could download the local key or the relay's
 * credentials and outlive its own revocation.
 */
function checkSandboxHoldsNoSecrets(filesDir: string, secrets: { what: string; path: string }[]): void {
  // Compared as the file system sees them: the sandbox serves its real path, so a files folder that is
  // a symlink to the home folder must count as the home folder.
  const root = realLocation(filesDir);
  for (const secret of secrets) {
    const inside = relative(root, realLocation(secret.path));
    const outside = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    if (!outside) {
      throw new ConfigError(
        `the files folder ${filesDir} contains ${secret.what} at ${secret.path}, and every connected device can read it; set CLAWCHAT_FILES_DIR (or --files-dir) to a folder that holds only files to share`,
      );
    }
  }
}

export function loadConfig(input: { argv: readonly string[]; env: Env; cwd: string }): CliRequest {
  const flags = parseFlags(input.argv);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const env = input.env;
  const contextDirShown = flags.values['--context-dir'] ?? read(env, 'CLAWCHAT_CONTEXT_DIR') ?? DEFAULT_CONTEXT_DIR;
  const filesDir = flags.values['--files-dir'] ?? read(env, 'CLAWCHAT_FILES_DIR') ?? DEFAULT_FILES_DIR;
  const stateDir = flags.values['--state-dir'] ?? read(env, 'CLAWCHAT_STATE_DIR') ?? DEFAULT_STATE_DIR;
  // CLAWCHAT_LLM_PORT is also what the relay dials (--llm-port), so one .env keeps both in step.
  const portFlag = flags.values['--port'];
  const portEnv = read(env, 'CLAWCHAT_LLM_PORT');
  const port =
    portFlag !== undefined ? parsePort(portFlag, '--port') : portEnv !== undefined ? parsePort(portEnv, 'CLAWCHAT_LLM_PORT') : DEFAULT_PORT;
  const uploadLimit = read(env, 'CLAWCHAT_MAX_UPLOAD_BYTES');
  const localKeyBase64 = read(env, 'CLAWCHAT_LOCAL_KEY');
  const fileChars = read(env, 'CLAWCHAT_CONTEXT_FILE_CHARS');
  const totalChars = read(env, 'CLAWCHAT_CONTEXT_TOTAL_CHARS');
  checkSandboxHoldsNoSecrets(resolve(input.cwd, filesDir), [
    { what: 'the state folder (the local key, the conversation)', path: resolve(input.cwd, stateDir) },
    { what: 'the .env file (API keys)', path: resolve(input.cwd, '.env') },
    { what: "the relay's security folder (its keys, every device's credential)", path: resolve(input.cwd, read(env, 'CLAWCHAT_SECURITY_DIR') ?? 'security') },
  ]);
  return {
    kind: 'run',
    config: {
      host: LISTEN_HOST,
      port,
      contextDirShown,
      contextDir: resolve(input.cwd, contextDirShown),
      filesDir: resolve(input.cwd, filesDir),
      stateDir: resolve(input.cwd, stateDir),
      contextFileChars: fileChars === undefined ? undefined : parseCharCount(fileChars, 'CLAWCHAT_CONTEXT_FILE_CHARS'),
      contextTotalChars: totalChars === undefined ? undefined : parseCharCount(totalChars, 'CLAWCHAT_CONTEXT_TOTAL_CHARS'),
      maxUploadBytes: uploadLimit === undefined ? undefined : parseByteCount(uploadLimit, 'CLAWCHAT_MAX_UPLOAD_BYTES'),
      localKeyBase64,
      debug: read(env, 'CLAWCHAT_DEBUG') === '1',
      env,
    },
  };
}
