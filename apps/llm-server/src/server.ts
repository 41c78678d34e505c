/**
 * Wiring: configuration in, a running server out. Builds the provider chain, the local key, the
 * conversation store, the sandbox, the chat/files/cron features and the link, then returns a handle
 * whose close() shuts everything down in order (stop taking work, finish writes, close the socket).
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PidLockHeld, acquirePidLock, type PidLock } from '@clawchat/atomic-file';
import { Sandbox } from '@clawchat/file-protocol';
import { ConfigError, contextTokensFor, providersFromEnv, type FailoverChain } from '@clawchat/llm';
import { readAttachments } from './chat/attachments';
import { ChatService } from './chat/chat-service';
import { ConversationStore } from './chat/conversation-store';
import type { ServerConfig } from './config';
import { INSTANCE_LOCK_FILE } from './constants';
import { ContextSource } from './context-source';
import { CronService } from './cron/cron-service';
import { FileService } from './files/file-service';
import { createHelloHandler } from './hello';
import { ClientRegistry } from './link/client-registry';
import { LinkServer } from './link/link-server';
import { Router } from './link/router';
import { loadOrCreateLocalKey } from './local-key';
import type { Logger } from './log';

export interface RunningServer {
  address: { address: string; port: number };
  provider: FailoverChain;
  /** The line scripts and tests wait for. */
  readyLine: string;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const provider = providersFromEnv(config.env, {
    onRetry: (info) => log.warn('llm', `${info.provider}: attempt ${info.attempt} failed (${info.failure.code}); retrying in ${info.delayMs} ms`),
    onFailover: (notice) => log.warn('llm', `${notice.from} failed (${notice.error.code}); trying ${notice.to}`),
  });
  const primary = provider.providers[0];
  const budgetTokens = contextTokensFor(primary.model, config.env);

  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  // One server per state folder: two would both rewrite llm_session.json (losing each other's turns)
  // and run every cron job twice.
  let lock: PidLock;
  try {
    lock = await acquirePidLock(join(config.stateDir, INSTANCE_LOCK_FILE));
  } catch (error) {
    if (!(error instanceof PidLockHeld)) throw error;
    throw new ConfigError(
      `another clawchat-llm (pid ${error.pid}) is already using the state folder ${config.stateDir}; stop it first, or give this one its own --state-dir (if no such server runs, delete ${error.file})`,
    );
  }
  try {
    return await startWithLock(config, log, provider, budgetTokens, lock);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function startWithLock(
  config: ServerConfig,
  log: Logger,
  provider: FailoverChain,
  budgetTokens: number,
  lock: PidLock,
): Promise<RunningServer> {
  const primary = provider.providers[0];
  await mkdir(config.filesDir, { recursive: true });
  const localKey = await loadOrCreateLocalKey(config.stateDir, config.localKeyBase64);
  if (localKey.created) log.info('link', `created the local key ${localKey.source} (the relay reads it from there)`);
  if (localKey.warning) log.warn('link', localKey.warning);

  const contextExists = await stat(config.contextDir).then((s) => s.isDirectory(), () => false);
  if (!contextExists) log.warn('context', `context folder ${config.contextDir} does not exist; the assistant runs without context files and cron jobs`);
  const context = new ContextSource(config.contextDir, log, { perFileCap: config.contextFileChars, totalCap: config.contextTotalChars });
  const store = await ConversationStore.open({ stateDir: config.stateDir, log });
  const sandbox = await Sandbox.open(config.filesDir, { maxUploadBytes: config.maxUploadBytes });

  const clients = new ClientRegistry();
  // The router is built below; nothing arrives before link.listen(), so the closure never sees it unset.
  const link = new LinkServer({ host: config.host, port: config.port, key: localKey.key, log, clients, onMessage: (bytes, route) => router.deliver(bytes, route) });

  const chat = new ChatService({
    store,
    provider,
    primary: { provider: primary.name, model: primary.model },
    context: () => context.get(),
    outbox: link,
    log,
    budgetTokens,
    attachments: (paths) => readAttachments(sandbox, paths),
    deviceOf: (client) => clients.get(client)?.device,
  });
  const files = new FileService({ sandbox, outbox: link, log });
  const cron = await CronService.start({ contextDir: config.contextDir, stateDir: config.stateDir, provider, context: () => context.get(), outbox: link, log, watch: contextExists });
  const hello = createHelloHandler({
    provider: primary.name,
    model: primary.model,
    offline: primary.name === 'offline',
    session: () => ({ turns: store.turnCount, startedAt: store.startedAt }),
  });
  const router = new Router({ outbox: link, clients, log, hello, chat, files, cron });
  clients.onClose((client) => files.clientClosed(client.key));

  try {
    await link.listen();
  } catch (error) {
    await cron.close();
    throw error;
  }
  files.startPruning();
  const address = link.address;
  log.info('chat', `conversation: ${store.turnCount} turn(s) in ${store.file}; context budget ${budgetTokens} tokens`);

  let closing: Promise<void> | undefined;
  return {
    address,
    provider,
    readyLine: `listening on ${address.address}:${address.port} (provider ${provider.name}, context ${config.contextDirShown})`,
    close() {
      closing ??= (async () => {
        files.close();
        await Promise.allSettled([chat.close(), cron.close()]);
        await link.close();
        await lock.release();
      })();
      return closing;
    },
  };
}
