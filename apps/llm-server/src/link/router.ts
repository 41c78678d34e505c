/**
 * The message router: every message from the local link is decoded and validated here, then handed
 * to the feature that owns its type. Requests with a single answer (OK / ERROR / WELCOME / PONG) are
 * answered on the stream they came in on; CHAT and FILE_DOWNLOAD stream their own pieces. Answers of
 * requests that change something are cached by id, so a request resent after a reconnect is answered
 * again without running twice (CHAT does the same with the conversation itself).
 */
import {
  okMessage,
  ProtocolError,
  type ChatCancelMessage,
  type ChatHistoryMessage,
  type ChatMessage,
  type CronDisableMessage,
  type CronEnableMessage,
  type CronLogMessage,
  type CronRunMessage,
  type EncodableMessage,
  type FileChunkMessage,
  type FileCommitMessage,
  type FileDeleteMessage,
  type FileDownloadMessage,
  type FileListMessage,
  type FileMkdirMessage,
  type FileMoveMessage,
  type FileStatMessage,
  type FileUploadMessage,
  type HelloMessage,
  type Message,
  type OkRequestType,
  type OkResultMap,
  type SessionResetMessage,
  type WelcomeMessage,
} from '@clawchat/protocol';
import { ANSWER_CACHE_ENTRIES, ANSWER_CACHE_TTL_MS } from '../constants';
import type { Logger } from '../log';
import { AnswerCache } from './answer-cache';
import type { ClientRegistry } from './client-registry';
import { decodeRequest } from './decode-request';
import { errorAnswer, isProtocolError } from './error-answer';
import { clientKey, parseClientKey, type Outbox, type Route } from './outbox';

export interface HelloHandler {
  /** WELCOME fields for this client; throws ProtocolError (BAD_REQUEST) for an incompatible version. */
  welcome(message: HelloMessage): Omit<WelcomeMessage, 'type' | 're'>;
}

export interface ChatHandlers {
  /** Runs or queues the turn, or replays a turn already answered; sends its own pieces and end. */
  chat(message: ChatMessage, route: Route): void;
  cancel(message: ChatCancelMessage): Promise<OkResultMap['CHAT_CANCEL']>;
  history(message: ChatHistoryMessage): Promise<OkResultMap['CHAT_HISTORY']>;
  /** The route lets a reset waiting behind a reply be told its place (CHAT_QUEUED heartbeat). */
  reset(message: SessionResetMessage, route: Route): Promise<OkResultMap['SESSION_RESET']>;
}

export interface FileHandlers {
  list(message: FileListMessage): Promise<OkResultMap['FILE_LIST']>;
  stat(message: FileStatMessage): Promise<OkResultMap['FILE_STAT']>;
  mkdir(message: FileMkdirMessage): Promise<OkResultMap['FILE_MKDIR']>;
  delete(message: FileDeleteMessage): Promise<OkResultMap['FILE_DELETE']>;
  move(message: FileMoveMessage): Promise<OkResultMap['FILE_MOVE']>;
  upload(message: FileUploadMessage): Promise<OkResultMap['FILE_UPLOAD']>;
  /** Stores a chunk; the promise rejects with the failure (for a chunk with an id it becomes the ERROR). */
  chunk(message: FileChunkMessage): Promise<OkResultMap['FILE_CHUNK']>;
  commit(message: FileCommitMessage): Promise<OkResultMap['FILE_COMMIT']>;
  /** Streams FILE_DATA pieces and FILE_DONE (or ERROR) to `route`. */
  download(message: FileDownloadMessage, route: Route): void;
}

export interface CronHandlers {
  list(): Promise<OkResultMap['CRON_LIST']>;
  run(message: CronRunMessage): Promise<OkResultMap['CRON_RUN']>;
  reload(): Promise<OkResultMap['CRON_RELOAD']>;
  log(message: CronLogMessage): Promise<OkResultMap['CRON_LOG']>;
  enable(message: CronEnableMessage): Promise<OkResultMap['CRON_ENABLE']>;
  disable(message: CronDisableMessage): Promise<OkResultMap['CRON_DISABLE']>;
}

export interface RouterDeps {
  outbox: Outbox;
  clients: ClientRegistry;
  log: Logger;
  hello: HelloHandler;
  chat: ChatHandlers;
  files: FileHandlers;
  cron: CronHandlers;
  now?: () => number;
}

/** Requests whose effect must not happen twice: their answers are cached for replay. */
const MUTATING: ReadonlySet<OkRequestType> = new Set<OkRequestType>([
  'CHAT_CANCEL',
  'SESSION_RESET',
  'FILE_MKDIR',
  'FILE_DELETE',
  'FILE_MOVE',
  'FILE_UPLOAD',
  'FILE_CHUNK',
  'FILE_COMMIT',
  'CRON_RUN',
  'CRON_RELOAD',
  'CRON_ENABLE',
  'CRON_DISABLE',
]);

export class Router {
  private readonly answers: AnswerCache<EncodableMessage>;

  constructor(private readonly d: RouterDeps) {
    this.answers = new AnswerCache(ANSWER_CACHE_ENTRIES, ANSWER_CACHE_TTL_MS, d.now);
  }

  /** One message as it arrived on `route`'s stream. Never throws. */
  deliver(bytes: Uint8Array, route: Route): void {
    if (this.d.clients.isClosed(route.client)) {
      this.d.log.debug('link', `dropped a message for closed client ${route.client}`);
      return;
    }
    // A client's first message may overtake its CLIENT_OPEN (streams are not ordered with each other).
    if (parseClientKey(route.client).clientNumber > 0) this.d.clients.open(route.client);
    const decoded = decodeRequest(bytes);
    if (!decoded.ok) {
      this.d.log.warn('link', `client ${route.client} sent an invalid message (BAD_REQUEST)`);
      const error = new ProtocolError('BAD_REQUEST', decoded.reason);
      this.d.outbox.send(route, errorAnswer(decoded.id, error));
      return;
    }
    try {
      this.dispatch(decoded.message, route);
    } catch (error) {
      this.fail(decoded.message, route, error);
    }
  }

  private dispatch(m: Message, route: Route): void {
    const { files, cron, chat } = this.d;
    switch (m.type) {
      case 'CLIENT_OPEN': {
        const key = this.clientOf(route, m.sessionId);
        this.d.clients.open(key, { sessionId: m.sessionId, device: m.device, fingerprint: m.fingerprint });
        this.d.log.info('link', `client ${key} opened (device ${JSON.stringify(m.device)}, key ${m.fingerprint})`);
        return;
      }
      case 'CLIENT_CLOSE': {
        const key = this.clientOf(route, m.sessionId);
        if (this.d.clients.close(key, m.reason)) this.d.log.info('link', `client ${key} closed`);
        return;
      }
      case 'PING':
        this.d.outbox.send(route, { type: 'PONG', re: m.id, t: m.t });
        return;
      case 'HELLO': {
        try {
          const welcome = this.d.hello.welcome(m);
          const client = this.d.clients.get(route.client);
          if (client && m.device !== undefined) client.device = m.device;
          this.d.outbox.send(route, { type: 'WELCOME', re: m.id, ...welcome });
        } catch (error) {
          this.fail(m, route, error);
        }
        return;
      }
      case 'CHAT':
        chat.chat(m, route);
        return;
      case 'CHAT_CANCEL':
        return this.answer('CHAT_CANCEL', m.id, route, () => chat.cancel(m));
      case 'CHAT_HISTORY':
        return this.answer('CHAT_HISTORY', m.id, route, () => chat.history(m));
      case 'SESSION_RESET':
        return this.answer('SESSION_RESET', m.id, route, () => chat.reset(m, route));
      case 'FILE_LIST':
        return this.answer('FILE_LIST', m.id, route, () => files.list(m));
      case 'FILE_STAT':
        return this.answer('FILE_STAT', m.id, route, () => files.stat(m));
      case 'FILE_MKDIR':
        return this.answer('FILE_MKDIR', m.id, route, () => files.mkdir(m));
      case 'FILE_DELETE':
        return this.answer('FILE_DELETE', m.id, route, () => files.delete(m));
      case 'FILE_MOVE':
        return this.answer('FILE_MOVE', m.id, route, () => files.move(m));
      case 'FILE_UPLOAD':
        return this.answer('FILE_UPLOAD', m.id, route, () => files.upload(m));
      case 'FILE_CHUNK':
        // Without an id the chunk is fire-and-forget: its failure surfaces at FILE_COMMIT.
        if (m.id === undefined) {
          files.chunk(m).catch(() => undefined);
          return;
        }
        return this.answer('FILE_CHUNK', m.id, route, () => files.chunk(m));
      case 'FILE_COMMIT':
        return this.answer('FILE_COMMIT', m.id, route, () => files.commit(m));
      case 'FILE_DOWNLOAD':
        files.download(m, route);
        return;
      case 'CRON_LIST':
        return this.answer('CRON_LIST', m.id, route, () => cron.list());
      case 'CRON_RUN':
        return this.answer('CRON_RUN', m.id, route, () => cron.run(m));
      case 'CRON_RELOAD':
        return this.answer('CRON_RELOAD', m.id, route, () => cron.reload());
      case 'CRON_LOG':
        return this.answer('CRON_LOG', m.id, route, () => cron.log(m));
      case 'CRON_ENABLE':
        return this.answer('CRON_ENABLE', m.id, route, () => cron.enable(m));
      case 'CRON_DISABLE':
        return this.answer('CRON_DISABLE', m.id, route, () => cron.disable(m));
      case 'STATUS':
        throw new ProtocolError('BAD_REQUEST', 'STATUS is answered by the relay, not the LLM server; send it to the relay.');
      case 'COMPROMISED':
        this.d.log.warn('link', `client ${route.client} sent COMPROMISED; the relay handles revocation, ignored here`);
        return;
      default: {
        // Answers and pushes (OK, ERROR, WELCOME, CHAT_DELTA, CRON_EVENT, ...) are never requests to us.
        const id = (m as { id?: string }).id;
        if (id !== undefined) throw new ProtocolError('BAD_REQUEST', `${m.type} is not a request the LLM server accepts.`);
        this.d.log.debug('link', `ignored ${m.type} from client ${route.client}`);
      }
    }
  }

  /** CLIENT_OPEN/CLOSE normally come on the client's own stream; on the link's stream 0 the sessionId names it. */
  private clientOf(route: Route, sessionId: string): string {
    const { linkId, clientNumber } = parseClientKey(route.client);
    if (clientNumber > 0) return route.client;
    const n = Number(sessionId);
    if (!Number.isSafeInteger(n) || n < 1) throw new ProtocolError('BAD_REQUEST', `sessionId ${JSON.stringify(sessionId)} is not a client session number.`);
    return clientKey(linkId, n);
  }

  private answer<T extends OkRequestType>(type: T, id: string, route: Route, execute: () => Promise<OkResultMap[T]>): void {
    const run = async (): Promise<EncodableMessage> => {
      let result: OkResultMap[T];
      try {
        result = await execute();
      } catch (error) {
        this.logFailure(type, route, error);
        return errorAnswer(id, error);
      }
      try {
        return okMessage(type, id, result);
      } catch (error) {
        // Our own answer does not fit the catalogue: a server bug, not the client's fault.
        const bug = new Error(`the ${type} answer does not fit the catalogue: ${error instanceof Error ? error.message : String(error)}`);
        this.logFailure(type, route, bug);
        return errorAnswer(id, bug);
      }
    };
    const answer = MUTATING.has(type) ? this.answers.answer(id, run) : run();
    answer.then(
      (message) => this.d.outbox.send(route, message),
      (error: unknown) => this.d.outbox.send(route, errorAnswer(id, error)),
    );
  }

  private fail(m: Message, route: Route, error: unknown): void {
    this.logFailure(m.type, route, error);
    const id = (m as { id?: string }).id;
    this.d.outbox.send(route, errorAnswer(id, error));
  }

  private logFailure(type: string, route: Route, error: unknown): void {
    if (isProtocolError(error)) {
      this.d.log.debug('link', `${type} from client ${route.client} failed: ${error.code}`);
    } else {
      this.d.log.error('link', `${type} from client ${route.client} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
}
