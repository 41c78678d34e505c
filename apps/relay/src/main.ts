/**
 * clawchat-relay: process lifecycle and command dispatch. The relay's behaviour lives in relay.ts and
 * the libraries; this file parses arguments, loads keys, prints what a person needs, and exits cleanly.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import {
  BootstrapKeyError,
  SecError,
  generateBootstrapKey,
  resolveBootstrapKey,
} from '@clawchat/security-file';
import { PidLockHeld, acquirePidLock, writeFileAtomicSync, type PidLock } from '@clawchat/atomic-file';
import { ConfigError, USAGE, parseArgs, resolveConfig, type ParsedArgs, type RelayConfig } from './config';
import { callRelay, ControlUnavailable } from './control/client';
import { controlSocketPath, type ControlAnswer, type ControlRequest } from './control/protocol';
import { startControlServer } from './control/server';
import { LocalKeyError, waitForLocalKey } from './link/local-key';
import { createLogger, type Logger } from './log';
import { Relay, publicEndpoints } from './relay';
import { choosePort, loadOrCreateStaticKey, randomPublicPort, replaceStaticKey, savePort } from './state/identity';
import { PeerStore } from './state/peers';
import { DamagedStateError } from './state/state-file';
import { TicketBook } from './state/tickets';
import { formatStatus, localTimestamp } from './status-format';

const VERSION = '0.1.0';

/** The seed's start-up error, verbatim (the third line names our command). */
const LLM_UNREACHABLE_LINES = ['[Server] ERROR: Cannot reach LLM server', '[Server] Please ensure LLM server is running:', '    clawchat-llm'];

class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Started together with the LLM server on a fresh machine, wait this long for the local key it writes. */
const LOCAL_KEY_WAIT_MS = 3_000;

/** In the security dir: the pid of the relay using it. */
const INSTANCE_LOCK_FILE = 'relay.pid';

/**
 * One relay per security dir: a second one would take another port and rewrite relay.port (older .sec
 * files then dial the wrong port) and replace the first one's admin socket.
 */
async function lockSecurityDir(securityDir: string): Promise<PidLock> {
  try {
    return await acquirePidLock(path.join(securityDir, INSTANCE_LOCK_FILE));
  } catch (err) {
    if (!(err instanceof PidLockHeld)) throw err;
    throw new StartupError(
      `clawchat-relay: another relay (pid ${err.pid}) is already running with ${securityDir}; stop it first, or give this one its own --security-dir (if no such relay runs, delete ${err.file})`,
    );
  }
}

async function serve(cfg: RelayConfig, log: Logger): Promise<void> {
  mkdirSync(cfg.securityDir, { recursive: true, mode: 0o700 });
  const instance = await lockSecurityDir(cfg.securityDir);
  const bootstrap = resolveBootstrapKey({ envValue: cfg.bootstrapKey, securityDir: cfg.securityDir, create: true });
  if (!bootstrap) throw new StartupError('no bootstrap key could be created');
  if (bootstrap.source === 'generated') announceNewBootstrapKey(bootstrap.key, bootstrap.file as string, log);
  const { keyPair, created } = loadOrCreateStaticKey(cfg.securityDir);
  if (created) log.info(`created the relay's static key in ${cfg.securityDir}`);

  let localKey: Buffer;
  try {
    localKey = (await waitForLocalKey({ file: cfg.llmKeyFile, value: cfg.llmKeyValue, stateDir: cfg.stateDir, waitMs: LOCAL_KEY_WAIT_MS })).key;
  } catch (err) {
    if (err instanceof LocalKeyError) throw new StartupError([...LLM_UNREACHABLE_LINES, `[Server] (${err.message})`].join('\n'));
    throw err;
  }

  let peers: PeerStore;
  try {
    peers = new PeerStore(cfg.securityDir);
  } catch (err) {
    if (!(err instanceof DamagedStateError)) throw err;
    throw new StartupError(
      `clawchat-relay: ${err.message}. Restore it from a backup, or move it aside and start again: every device will then need a new .sec.`,
    );
  }
  const wall = () => Date.now();
  // The port and endpoints must be known before the first .sec is written, so bind first.
  const tickets = new TicketBook({
    securityDir: cfg.securityDir,
    bootstrapKey: bootstrap.key,
    relayPublicKey: keyPair.publicKey.toString('base64'),
    endpoints: [],
    validityMs: cfg.secValidityMs,
    regenerateMs: cfg.secRegenerateMs,
    log: log.child('sec'),
    now: wall,
  });
  const relay = new Relay(cfg, keyPair, tickets, peers, log, localKey);

  // Start-up check: the LLM server must answer within a few seconds (a few handshake tries).
  await relay.link.start();
  if (!(await relay.link.waitUp(3_500))) {
    await relay.link.stop();
    throw new StartupError(
      [...LLM_UNREACHABLE_LINES, `[Server] (no answer from ${cfg.llmIp}:${cfg.llmPort}; if it is running, check that both use the same local key)`].join('\n'),
    );
  }

  const port = await bindPort(relay, cfg);
  savePort(cfg.securityDir, port);
  const endpoints = publicEndpoints(cfg, port);
  tickets.setEndpoints(endpoints);
  await tickets.start();

  const socketPath = controlSocketPath(cfg.securityDir);
  const endpointNames = endpoints.map((e) => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`));
  const control = await startControlServer(
    socketPath,
    async (req: ControlRequest): Promise<ControlAnswer> => {
      switch (req.cmd) {
        case 'status':
          return { ok: true, status: relay.status(endpointNames) };
        case 'issue': {
          const r = await tickets.issueOnDemand();
          return { ok: true, file: r.file, expiresAt: r.expiresAt };
        }
        case 'revoke': {
          const targets = req.all ? peers.list() : peers.match(req.target ?? '');
          if (!req.all && targets.length === 0) {
            const shortPrint = /^[0-9a-f:]{1,3}$/i.test(req.target ?? '') ? '; a fingerprint needs at least its first 4 hex digits' : '';
            return { ok: false, error: `no known device matches "${req.target}"${shortPrint} (see clawchat-relay status)` };
          }
          // Devices are named after their host by default, so a name often fits several: revoking them
          // all would lock out devices the admin meant to keep. Ask for the fingerprint instead.
          if (!req.all && targets.length > 1) {
            const which = targets.map((p) => `${p.deviceName} ${p.fingerprint}`).join('; ');
            return { ok: false, error: `"${req.target}" matches ${targets.length} devices (${which}); give the fingerprint (its first 4+ hex digits) of the one to revoke` };
          }
          const closed = await relay.revoke(targets, req.all ? 'revoke --all' : `revoke ${req.target}`);
          return { ok: true, revoked: targets.map((p) => `${p.deviceName} (${p.fingerprint})`), closed, secFile: tickets.secPath };
        }
        case 'rotate-identity': {
          if (bootstrap.source === 'env') {
            return { ok: false, error: 'CLAWCHAT_BOOTSTRAP_KEY comes from the environment: set a new value there and restart the relay, then run rotate-identity' };
          }
          const newKey = generateBootstrapKey();
          writeFileAtomicSync(bootstrap.file as string, newKey + '\n');
          bootstrap.key = newKey;
          await relay.rotateIdentity(replaceStaticKey(cfg.securityDir), newKey);
          log.warn('relay identity rotated: new static key, new bootstrap key, every device revoked');
          return { ok: true, bootstrapKeyFile: bootstrap.file, secFile: tickets.secPath };
        }
        default:
          return { ok: false, error: 'unknown command' };
      }
    },
    log,
  );

  log.info(`clawchat-relay ${VERSION} listening on ${cfg.ip.includes(':') ? `[${cfg.ip}]` : cfg.ip}:${port}/udp`);
  log.info(`clients dial ${endpointNames.join(', ')} (written into the .sec; change with --public-host)`);
  log.info(`.sec file: ${tickets.secPath} (a new one every ${Math.round((cfg.secRegenerateMs ?? 600_000) / 60_000)} min while no client is connected)`);
  log.info(`bootstrap key: ${bootstrap.source === 'env' ? 'from CLAWCHAT_BOOTSTRAP_KEY' : `in ${bootstrap.file}`}; LLM server: ${cfg.llmIp}:${cfg.llmPort}`);
  log.info(`admin: clawchat-relay status | issue | revoke <device> (socket ${socketPath})`);
  // A machine-readable ready line for scripts (npm start, tests).
  process.stderr.write(`[relay] ready port=${port} sec=${tickets.secPath}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    tickets.stop();
    control.close();
    await relay.stop();
    await tickets.flushed();
    await instance.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Binds the configured or saved port; a random port that happens to be taken is replaced by another. */
async function bindPort(relay: Relay, cfg: RelayConfig): Promise<number> {
  const explicit = cfg.port !== undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = attempt === 0 ? choosePort(cfg.securityDir, cfg.port) : randomPublicPort();
    try {
      return await relay.listen(port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && !explicit) continue;
      if (code === 'EADDRINUSE') throw new StartupError(`UDP port ${port} on ${cfg.ip} is already in use: stop the other program or choose another --port`);
      if (code === 'EADDRNOTAVAIL') throw new StartupError(`--ip ${cfg.ip} is not an address of this machine`);
      if (code === 'EACCES') throw new StartupError(`not allowed to listen on ${cfg.ip}:${port}`);
      throw err;
    }
  }
  throw new StartupError('could not find a free UDP port in 49152–65535');
}

function announceNewBootstrapKey(key: string, file: string, log: Logger): void {
  if (process.stdout.isTTY) {
    process.stdout.write(
      [
        '',
        'A new bootstrap key was generated. It decrypts the .sec files; the client needs it too:',
        '',
        `    CLAWCHAT_BOOTSTRAP_KEY=${key}`,
        '',
        `It is stored in ${file} (mode 0600) and will not be shown again.`,
        'Give it to your devices over a channel you trust (see docs/deploy.md), never next to the .sec file.',
        '',
      ].join('\n'),
    );
  }
  log.info(`generated a new bootstrap key, stored in ${file}`);
}

async function admin(args: ParsedArgs, cfg: RelayConfig): Promise<number> {
  const socketPath = controlSocketPath(cfg.securityDir);
  const json = args.flags.has('json');
  let req: ControlRequest;
  if (args.command === 'status') req = { cmd: 'status' };
  else if (args.command === 'issue') req = { cmd: 'issue' };
  else if (args.command === 'rotate-identity') req = { cmd: 'rotate-identity' };
  else {
    const target = args.positional[0];
    if (!args.flags.has('all') && !target) {
      process.stderr.write('clawchat-relay: revoke needs a device name or fingerprint, or --all (see clawchat-relay status)\n');
      return 2;
    }
    req = { cmd: 'revoke', target, all: args.flags.has('all') };
  }
  const answer = await callRelay(socketPath, req);
  if (!answer.ok) {
    process.stderr.write(`clawchat-relay: ${answer.error}\n`);
    return 1;
  }
  if (json) process.stdout.write(JSON.stringify(answer) + '\n');
  else if (req.cmd === 'status') process.stdout.write(formatStatus(answer.status as Parameters<typeof formatStatus>[0]));
  else if (req.cmd === 'issue') process.stdout.write(`wrote ${answer.file} (valid until ${localTimestamp(answer.expiresAt as number)}); copy it to the new device\n`);
  else if (req.cmd === 'revoke') {
    const revoked = answer.revoked as string[];
    process.stdout.write(`revoked ${revoked.length ? revoked.join(', ') : 'no known devices'}; closed ${answer.closed} session(s); every outstanding ticket was revoked and a fresh ${answer.secFile} written\n`);
  } else process.stdout.write(`new relay identity; new bootstrap key in ${answer.bootstrapKeyFile}; fresh ${answer.secFile}; every device must load a new .sec\n`);
  return 0;
}

/** Last line of defence: a bug must not print a stack trace at the user or leave a half-dead relay. */
function installCrashHandlers(): void {
  const crash = (what: string) => (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`clawchat-relay: internal error (${what}): ${e.message}\n`);
    if (process.env.CLAWCHAT_DEBUG === '1') process.stderr.write(`${e.stack}\n`);
    process.exit(70);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
}

async function main(): Promise<number> {
  installCrashHandlers();
  dotenv.config({ quiet: true, path: path.resolve('.env') });
  const args = parseArgs(process.argv.slice(2));
  if (args.command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`clawchat-relay ${VERSION}\n`);
    return 0;
  }
  const cfg = resolveConfig(args, process.env);
  const log = createLogger('relay', { debug: cfg.debug });
  if (args.command !== 'serve') return admin(args, cfg);
  await serve(cfg, log);
  return -1; // keep running
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: Error) => {
    const userError =
      err instanceof ConfigError ||
      err instanceof StartupError ||
      err instanceof ControlUnavailable ||
      err instanceof SecError ||
      err instanceof BootstrapKeyError ||
      err instanceof DamagedStateError;
    if (err instanceof StartupError) process.stderr.write(err.message + '\n');
    else process.stderr.write(`clawchat-relay: ${err.message}\n`);
    if (process.env.CLAWCHAT_DEBUG === '1') process.stderr.write(`${err.stack}\n`);
    else if (!userError) process.stderr.write('(this is a bug; run with CLAWCHAT_DEBUG=1 for details and report it)\n');
    // The admin commands' codes match the client's: 2 usage, 3 cannot reach (here: no relay running).
    process.exit(err instanceof ConfigError ? 2 : err instanceof StartupError ? err.exitCode : err instanceof ControlUnavailable ? 3 : 1);
  },
);
