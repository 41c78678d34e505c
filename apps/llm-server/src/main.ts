/**
 * clawchat-llm: reads the configuration, starts the server, prints the ready line, and shuts down
 * cleanly on SIGINT/SIGTERM. A configuration mistake is one line on stderr and exit code 2; nothing
 * else a person sees is a stack trace unless CLAWCHAT_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@clawchat/llm';
import { loadConfig, mergeEnv, USAGE } from './config';
import { EXIT_CONFIG, EXIT_FAILURE, SERVER_VERSION, SHUTDOWN_GRACE_MS } from './constants';
import { createLogger, describeError } from './log';
import { startServer } from './server';

function readDotenv(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, '.env'), 'utf8');
  } catch {
    return undefined;
  }
}

function bindErrorMessage(error: unknown, port: number): string | undefined {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `UDP port ${port} on 127.0.0.1 is already in use (is another clawchat-llm running?); stop it or pass --port`;
  if (code === 'EACCES') return `not allowed to use UDP port ${port}; pass --port with a port above 1023`;
  return undefined;
}

async function main(): Promise<void> {
  const cwd = process.cwd();
  const env = mergeEnv(readDotenv(cwd), process.env);
  const debug = env['CLAWCHAT_DEBUG']?.trim() === '1';
  const log = createLogger({ debug });
  // A bug must not leave a half-working server behind: one line (stack with CLAWCHAT_DEBUG=1), exit 1.
  const crash = (error: unknown) => {
    log.error('main', `unexpected error: ${describeError(error)}`, error);
    process.exit(EXIT_FAILURE);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let request;
  try {
    request = loadConfig({ argv: process.argv.slice(2), env, cwd });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`clawchat-llm: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
  if (request.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (request.kind === 'version') {
    process.stdout.write(`clawchat-llm ${SERVER_VERSION}\n`);
    return;
  }
  const config = request.config;
  let server;
  try {
    server = await startServer(config, log);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`clawchat-llm: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    const bind = bindErrorMessage(error, config.port);
    log.error('main', bind ?? `could not start: ${describeError(error)}`, error);
    process.exit(bind ? EXIT_CONFIG : EXIT_FAILURE);
  }
  log.plain(server.readyLine);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('main', `${signal} received; finishing writes and shutting down`);
    const force = setTimeout(() => {
      log.warn('main', `shutdown took longer than ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
      process.exit(EXIT_FAILURE);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close().then(
      () => {
        log.info('main', 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('main', `shutdown failed: ${describeError(error)}`, error);
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const debug = process.env['CLAWCHAT_DEBUG']?.trim() === '1';
  process.stderr.write(`clawchat-llm: ${describeError(error)}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_FAILURE);
});
