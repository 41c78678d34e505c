/**
 * The chat: one conversation shared by every device, one turn at a time in arrival order.
 *
 * - A CHAT that must wait is told so (CHAT_QUEUED {position}; 1 = next), again whenever it moves up,
 *   and again every QUEUE_HEARTBEAT_INTERVAL_MS while it waits: the relay drops a request that gets no
 *   streamed piece for 60 s, and a wait behind a long reply or a compaction can last longer.
 * - The reply streams as CHAT_DELTA to the device that asked; when the turn is stored, that device
 *   gets CHAT_DONE and every other connected device gets CHAT_DONE with the question (class 1 push).
 * - The provider call of the next turn starts without waiting for the previous turn's disk write;
 *   CHAT_DONE of a turn is sent once its write returned, so "done" means durable.
 * - CHAT_CANCEL stops the reply; the partial reply is kept as a cancelled turn. A queued CHAT that is
 *   cancelled ends with an empty cancelled CHAT_DONE and is not stored.
 * - A CHAT resent with an id already answered replays the stored reply (as one delta, then CHAT_DONE);
 *   one still running, queued or being written is re-attached to the new route (the client skips text
 *   it has), so the CHAT_DONE still to come goes to the new route and its broadcast skips that device.
 * - When the prompt outgrows the budget, the oldest turns are summarised by the provider (trimmed by
 *   the offline one) and moved to the archive before the next turn starts.
 */
import { summarise, type DoneEvent, type Provider } from '@clawchat/llm';
import {
  MAX_TEXT_CHARS,
  ProtocolError,
  STREAM_CLASS_CHAT,
  type ChatCancelMessage,
  type ChatDoneMessage,
  type ChatHistoryMessage,
  type ChatMessage,
  type ChatHistoryResult,
  type EmptyResult,
  type SessionResetResult,
} from '@clawchat/protocol';
import { DELTA_BATCH_MS, ENDED_CHATS_REMEMBERED, QUEUE_HEARTBEAT_INTERVAL_MS } from '../constants';
import type { TurnContext } from '../context-source';
import { errorAnswer } from '../link/error-answer';
import type { Outbox, Route } from '../link/outbox';
import { describeError, type Logger } from '../log';
import { turnChars, turnsToCompact } from './compaction-plan';
import type { ConversationStore } from './conversation-store';
import { DeltaBatcher, realTimer } from './delta-batcher';
import { buildPrompt, historyMessages, PromptHistory, userContent } from './prompt';
import type { StoredTurn } from './session-file';

export interface ChatServiceDeps {
  store: ConversationStore;
  provider: Provider;
  /** The first choice of the provider chain: named in CHAT_DONE when no provider finished the reply. */
  primary: { provider: string; model: string };
  context: () => TurnContext;
  outbox: Outbox;
  log: Logger;
  /** CLAWCHAT_LLM_CONTEXT_TOKENS (or the model's window). */
  budgetTokens: number;
  /** The name of the device behind a client (for the CHAT_DONE copies other devices get). */
  deviceOf?: (client: string) => string | undefined;
  /** Reads CHAT attachments (sandbox paths) into text; absent = attachments are refused. */
  attachments?: (paths: readonly string[]) => Promise<string | undefined>;
  now?: () => number;
  /** Pieces within this long of the previous CHAT_DELTA are batched into one (DELTA_BATCH_MS). */
  deltaBatchMs?: number;
}

interface ChatJob {
  kind: 'chat';
  id: string;
  question: string;
  attachments?: string[];
  route: Route;
}

interface TaskJob {
  kind: 'task';
  run: () => Promise<void>;
  /** A request waiting in the queue (SESSION_RESET) is told its place like a CHAT, so the relay's idle
   * timer for it keeps being restarted while it waits. */
  waiter?: { id: string; route: Route };
}

type Job = ChatJob | TaskJob;

interface ActiveTurn {
  id: string;
  route: Route;
  reply: string;
  controller: AbortController;
}

export class ChatService {
  private readonly pending: Job[] = [];
  private active: ActiveTurn | undefined;
  private running = false;
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  /** CHATs that ended without a stored turn (cancelled in the queue), for replay. */
  private readonly ended = new Map<string, ChatDoneMessage>();
  /** Turn writes whose CHAT_DONE is still to be sent. */
  private readonly writes = new Set<Promise<void>>();
  /** Turns stored in memory whose write (and so whose CHAT_DONE) is still pending, by id. */
  private readonly writing = new Map<string, ActiveTurn>();
  /** Resends CHAT_QUEUED while any CHAT waits; runs only then. */
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private readonly shutdown = new AbortController();
  private readonly now: () => number;
  private readonly promptHistory = new PromptHistory();

  constructor(private readonly d: ChatServiceDeps) {
    this.now = d.now ?? Date.now;
  }

  // ------------------------------------------------------------------ requests

  chat(message: ChatMessage, route: Route): void {
    const { id } = message;
    const stored = this.d.store.findTurn(id);
    if (stored) {
      this.d.log.debug('chat', `replaying turn ${id}`);
      if (stored.answer) this.d.outbox.send(route, { type: 'CHAT_DELTA', re: id, text: stored.answer });
      const writing = this.writing.get(id);
      // Still being written: its CHAT_DONE (sent once durable) follows on the new route, and the
      // broadcast skips this device instead of its dead old session.
      if (writing) writing.route = route;
      else this.d.outbox.send(route, this.doneMessage(id, stored.answer, stored));
      return;
    }
    const ended = this.ended.get(id);
    if (ended) {
      this.d.outbox.send(route, ended);
      return;
    }
    if (this.active?.id === id) {
      this.active.route = route;
      if (this.active.reply) this.d.outbox.send(route, { type: 'CHAT_DELTA', re: id, text: this.active.reply });
      return;
    }
    const queued = this.pending.findIndex((j) => j.kind === 'chat' && j.id === id);
    if (queued >= 0) {
      (this.pending[queued] as ChatJob).route = route;
      this.d.outbox.send(route, { type: 'CHAT_QUEUED', re: id, position: queued + 1 });
      return;
    }
    if (this.closing) {
      this.d.outbox.send(route, { type: 'ERROR', re: id, code: 'BUSY', message: 'The LLM server is shutting down; send the message again when it is back.' });
      return;
    }
    this.pending.push({ kind: 'chat', id, question: message.text, attachments: message.attachments, route });
    if (this.running) this.d.outbox.send(route, { type: 'CHAT_QUEUED', re: id, position: this.pending.length });
    this.pump();
    this.syncHeartbeat();
  }

  async cancel(message: ChatCancelMessage): Promise<EmptyResult> {
    const { re } = message;
    if (this.active?.id === re) {
      this.active.controller.abort();
      this.d.log.info('chat', `turn ${re} cancelled`);
      return {};
    }
    const queued = this.pending.findIndex((j) => j.kind === 'chat' && j.id === re);
    if (queued >= 0) {
      const [job] = this.pending.splice(queued, 1) as ChatJob[];
      const done: ChatDoneMessage = { type: 'CHAT_DONE', re, text: '', provider: this.d.primary.provider, model: this.d.primary.model, cancelled: true };
      this.remember(re, done);
      this.d.outbox.send(job.route, done);
      this.notifyPositions();
      this.syncHeartbeat();
      this.d.log.info('chat', `queued turn ${re} cancelled`);
      return {};
    }
    if (this.d.store.findTurn(re) || this.ended.has(re)) return {}; // already finished: nothing to stop
    throw new ProtocolError('NOT_FOUND', `There is no chat message ${re} to cancel; it may have failed or not reached the server.`);
  }

  history(message: ChatHistoryMessage): Promise<ChatHistoryResult> {
    return this.d.store.history(message.before, message.limit);
  }

  /** SESSION_RESET waits its turn in the queue, so it never cuts a reply in half. */
  reset(message?: { id: string }, route?: Route): Promise<SessionResetResult> {
    const waiter = message && route ? { id: message.id, route } : undefined;
    if (this.closing) return Promise.reject(new ProtocolError('BUSY', 'The LLM server is shutting down; try again when it is back.'));
    return new Promise((resolve, reject) => {
      this.pending.push({
        kind: 'task',
        waiter,
        run: async () => {
          try {
            const result = await this.d.store.reset();
            this.d.log.info('chat', `conversation reset; ${result.archivedTurns} turn(s) archived in ${this.d.store.archiveFile}`);
            resolve(result);
          } catch (error) {
            reject(error);
          }
        },
      });
      // Told its place only when it must wait, checked before pump(): once pump() has taken it, it
      // runs now, is no longer in the queue and has no place (CHAT_QUEUED.position starts at 1).
      if (waiter && this.running) {
        this.d.outbox.send(waiter.route, { type: 'CHAT_QUEUED', re: waiter.id, position: this.pending.length });
        this.syncHeartbeat();
      }
      this.pump();
    });
  }

  /** Turns waiting behind the running one. */
  get queueLength(): number {
    return this.pending.length;
  }

  /** Resolves when nothing runs or waits (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0 && this.writes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Shutdown: stop the running reply (not stored: the client resends it to the restarted server), finish writes. */
  async close(): Promise<void> {
    this.closing = true;
    // Waiting CHATs get no answer now: their senders resend them to the restarted server. A reset
    // already asked for still happens.
    const tasks = this.pending.filter((job) => job.kind === 'task');
    this.pending.splice(0, this.pending.length, ...tasks);
    this.syncHeartbeat();
    this.shutdown.abort();
    this.active?.controller.abort();
    await this.idle();
    await this.d.store.flush();
  }

  // ------------------------------------------------------------------ the queue

  private pump(): void {
    if (this.running) return;
    const job = this.pending.shift();
    if (!job) {
      this.checkIdle();
      return;
    }
    this.running = true;
    this.notifyPositions();
    this.syncHeartbeat();
    const run = job.kind === 'chat' ? this.runTurn(job) : job.run();
    run
      .catch((error: unknown) => this.d.log.error('chat', `unexpected failure: ${describeError(error)}`, error))
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }

  private notifyPositions(): void {
    this.pending.forEach((job, index) => {
      const waiter = job.kind === 'chat' ? job : job.waiter;
      if (waiter) this.d.outbox.send(waiter.route, { type: 'CHAT_QUEUED', re: waiter.id, position: index + 1 });
    });
  }

  /** Starts the heartbeat when a CHAT waits, stops it when none does (checked again on every beat). */
  private syncHeartbeat(): void {
    const waiting = this.pending.some((job) => job.kind === 'chat' || job.waiter !== undefined);
    if (waiting && !this.heartbeat) {
      this.heartbeat = setInterval(() => {
        this.notifyPositions();
        this.syncHeartbeat();
      }, QUEUE_HEARTBEAT_INTERVAL_MS);
      // The link socket keeps the server alive; a forgotten heartbeat must not keep a test process alive.
      this.heartbeat.unref();
    } else if (!waiting && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private checkIdle(): void {
    if (this.running || this.pending.length > 0 || this.writes.size > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private async runTurn(job: ChatJob): Promise<void> {
    const active: ActiveTurn = { id: job.id, route: job.route, reply: '', controller: new AbortController() };
    this.active = active;
    const started = this.now();
    try {
      let attached: string | undefined;
      try {
        attached = job.attachments?.length ? await this.readAttachments(job.attachments) : undefined;
      } catch (error) {
        this.d.outbox.send(active.route, errorAnswer(job.id, error));
        return;
      }
      const context = this.d.context();
      const prompt = buildPrompt(context.systemPrompt, this.d.store.summary, this.promptHistory.messagesFor(this.d.store.turns), userContent(job.question, attached));
      let done: DoneEvent | undefined;
      let cancelled = false;
      // Reads active.route when it sends: a resent CHAT may have moved the turn to a new route.
      const deltas = new DeltaBatcher((text) => this.d.outbox.send(active.route, { type: 'CHAT_DELTA', re: job.id, text }), {
        windowMs: this.d.deltaBatchMs ?? DELTA_BATCH_MS,
        now: this.now,
        schedule: realTimer,
      });
      try {
        if (active.controller.signal.aborted) throw new ProtocolError('CANCELLED', 'request cancelled');
        const stream = this.d.provider.stream({ ...prompt, signal: active.controller.signal, contextFiles: context.files });
        for await (const event of stream) {
          if (event.kind === 'done') {
            done = event;
          } else if (event.text) {
            const room = MAX_TEXT_CHARS - active.reply.length;
            const text = event.text.slice(0, Math.max(0, room));
            if (!text) continue;
            active.reply += text;
            deltas.push(text);
          }
        }
        deltas.flush(); // every piece goes out before CHAT_DONE
      } catch (error) {
        deltas.flush(); // the pieces sent so far, then the ending (CHAT_DONE cancelled, or ERROR)
        const code = error instanceof ProtocolError ? error.code : 'INTERNAL';
        if (active.controller.signal.aborted || code === 'CANCELLED') {
          if (this.closing) {
            this.d.log.info('chat', `turn ${job.id} interrupted by shutdown; not stored`);
            return;
          }
          cancelled = true;
        } else {
          this.d.log.warn('chat', `turn ${job.id} failed: ${code}${error instanceof ProtocolError ? ` (${error.message})` : ''}`);
          if (!(error instanceof ProtocolError)) this.d.log.error('chat', `provider failure: ${describeError(error)}`, error);
          this.d.outbox.send(active.route, errorAnswer(job.id, error));
          return;
        }
      }
      const turn = this.d.store.appendTurn({
        id: job.id,
        question: job.question,
        answer: active.reply,
        at: this.now(),
        provider: done?.provider ?? this.d.primary.provider,
        model: done?.model ?? this.d.primary.model,
        ...(cancelled ? { cancelled: true } : {}),
        ...(done?.usage ? { usage: done.usage } : {}),
        ...(attached ? { attached } : {}),
      });
      this.d.log.info('chat', `turn ${turn.index} (${job.id}) ${cancelled ? 'cancelled' : 'answered'} by ${turn.provider} in ${this.now() - started} ms, ${turn.answer.length} characters`);
      this.finishTurn(active, turn);
      await this.compactIfNeeded(context.systemPrompt.length);
    } finally {
      this.active = undefined;
    }
  }

  /**
   * Sends the CHAT_DONEs once the turn is on disk; the next turn does not wait for this. Uses the turn
   * as appended, not a fresh lookup: a SESSION_RESET queued behind this turn may have archived it
   * before the write returns, and the turn was still answered (and is in the archive).
   */
  private finishTurn(active: ActiveTurn, turn: StoredTurn): void {
    this.writing.set(turn.id, active);
    const write = this.d.store
      .save()
      .catch((error: unknown) => this.d.log.error('chat', `could not write the session file: ${describeError(error)}`, error))
      .then(() => {
        this.writing.delete(turn.id);
        const done = this.doneMessage(turn.id, turn.answer, turn);
        this.d.outbox.send(active.route, done);
        const device = this.d.deviceOf?.(active.route.client);
        this.d.outbox.push({ ...done, question: turn.question, ...(device ? { device } : {}) }, STREAM_CLASS_CHAT, active.route.client);
      })
      .finally(() => {
        this.writes.delete(write);
        this.checkIdle();
      });
    this.writes.add(write);
  }

  private doneMessage(re: string, text: string, turn: { provider: string; model: string; usage?: ChatDoneMessage['usage']; cancelled?: boolean }): ChatDoneMessage {
    const done: ChatDoneMessage = { type: 'CHAT_DONE', re, text, provider: turn.provider, model: turn.model };
    if (turn.usage) done.usage = turn.usage;
    if (turn.cancelled) done.cancelled = true;
    return done;
  }

  private async readAttachments(paths: readonly string[]): Promise<string | undefined> {
    if (!this.d.attachments) throw new ProtocolError('BAD_REQUEST', 'This server does not accept attachments.');
    return this.d.attachments(paths);
  }

  private remember(id: string, done: ChatDoneMessage): void {
    this.ended.set(id, done);
    if (this.ended.size > ENDED_CHATS_REMEMBERED) this.ended.delete(this.ended.keys().next().value as string);
  }

  // ------------------------------------------------------------------ compaction

  private async compactIfNeeded(systemChars: number): Promise<void> {
    const store = this.d.store;
    const count = turnsToCompact({
      systemChars,
      summaryChars: store.summary?.text.length ?? 0,
      turnChars: store.turns.map(turnChars),
      budgetTokens: this.d.budgetTokens,
    });
    if (count === 0) return;
    const compacted = store.turns.slice(0, count);
    const previous = store.summary;
    const transcript = historyMessages(compacted);
    if (previous) transcript.unshift({ role: 'user', content: `Summary of the conversation before this point:\n${previous.text}` });
    let text: string;
    try {
      const summary = await summarise(this.d.provider, transcript, { signal: this.shutdown.signal });
      text = summary.text;
    } catch (error) {
      // Without a summary the turns are still archived; the model is told that something was left out.
      this.d.log.warn('chat', `could not summarise ${count} old turn(s) (${error instanceof ProtocolError ? error.code : describeError(error)}); archiving them without a summary`);
      const note = `(${count} earlier turn(s) were archived without a summary.)`;
      text = previous ? `${previous.text}\n${note}` : note;
    }
    await store.compact(count, text || `(${count} earlier turn(s) were archived.)`);
    this.d.log.info('chat', `compacted ${count} old turn(s) into the summary; full transcript kept in ${store.archiveFile}`);
  }
}
