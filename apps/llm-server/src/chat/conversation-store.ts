/**
 * The one conversation all devices share, kept in <state>/llm_session.json.
 *
 * - Written atomically (temp file, fsync, rename, fsync dir) after every completed turn; writes are
 *   queued and coalesced, so kill -9 at any moment leaves the old file or the new one.
 * - A corrupt or unreadable file is moved aside as llm_session.corrupt-<time>.json (never deleted)
 *   and a fresh conversation starts; the log says where the old one went.
 * - Compaction and SESSION_RESET first append the turns they remove to the append-only archive
 *   llm_session.archive.jsonl (fsynced), then rewrite the session: a crash in between can repeat
 *   turns in the archive, never lose them.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '@clawchat/atomic-file';
import type { ChatHistoryResult, ChatTurn, SessionResetResult } from '@clawchat/protocol';
import { MAX_HISTORY_PAGE_BYTES, SESSION_ARCHIVE_FILE, SESSION_FILE } from '../constants';
import { describeError, type Logger } from '../log';
import { emptySession, parseSessionFile, serializeSession, type ConversationSummary, type SessionData, type StoredTurn } from './session-file';

export interface ConversationStoreOptions {
  stateDir: string;
  log: Logger;
  now?: () => number;
}

/** One line of the archive. */
export interface ArchiveRecord {
  kind: 'compaction' | 'reset';
  /** startedAt of the conversation the turns belong to. */
  conversation: number;
  at: number;
  /** The summary in force when the turns left the session (for a reset: the final one). */
  summary: string | null;
  turns: StoredTurn[];
}

export type NewTurn = Omit<StoredTurn, 'index'>;

function timestampForFileName(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** What a history page shows of a stored turn (the catalogue's ChatTurn, no internals). */
function publicTurn(turn: StoredTurn): ChatTurn {
  const out: ChatTurn = { index: turn.index, id: turn.id, question: turn.question, answer: turn.answer, at: turn.at, provider: turn.provider, model: turn.model };
  if (turn.cancelled) out.cancelled = true;
  return out;
}

export class ConversationStore {
  readonly file: string;
  readonly archiveFile: string;
  private data: SessionData;
  private readonly byId = new Map<string, StoredTurn>();
  private queue: Promise<void> = Promise.resolve();
  private generation = 0;
  private savedGeneration = 0;
  private readonly now: () => number;

  private constructor(
    private readonly o: ConversationStoreOptions,
    data: SessionData,
  ) {
    this.file = join(o.stateDir, SESSION_FILE);
    this.archiveFile = join(o.stateDir, SESSION_ARCHIVE_FILE);
    this.now = o.now ?? Date.now;
    this.data = data;
    this.reindex();
  }

  /** Loads the session (or starts one); a damaged file is moved aside and logged. */
  static async open(o: ConversationStoreOptions): Promise<ConversationStore> {
    const now = (o.now ?? Date.now)();
    const file = join(o.stateDir, SESSION_FILE);
    await mkdir(o.stateDir, { recursive: true, mode: 0o700 }); // private: it holds the conversation
    await removeStaleTempFiles(file); // a write cut short by a crash
    let data: SessionData;
    try {
      data = parseSessionFile(await readFile(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        data = emptySession(now);
      } else {
        const aside = join(o.stateDir, `llm_session.corrupt-${timestampForFileName(now)}.json`);
        await rename(file, aside);
        o.log.warn('chat', `${file} was unreadable (${describeError(error)}); kept it as ${aside} and started a fresh conversation`);
        data = emptySession(now);
      }
    }
    return new ConversationStore(o, data);
  }

  get startedAt(): number {
    return this.data.startedAt;
  }

  /** Turns in the whole conversation, compacted ones included. */
  get turnCount(): number {
    return this.data.nextIndex;
  }

  get summary(): ConversationSummary | null {
    return this.data.summary;
  }

  /** Live (not compacted) turns, oldest first. */
  get turns(): readonly StoredTurn[] {
    return this.data.turns;
  }

  findTurn(id: string): StoredTurn | undefined {
    return this.byId.get(id);
  }

  /** Adds a completed turn in memory; call save() to make it durable. */
  appendTurn(input: NewTurn): StoredTurn {
    const turn: StoredTurn = { ...input, index: this.data.nextIndex };
    this.data.nextIndex += 1;
    this.data.turns.push(turn);
    this.byId.set(turn.id, turn);
    this.generation++;
    return turn;
  }

  /** Resolves once everything appended so far is on disk (writes run one at a time, coalesced). */
  save(): Promise<void> {
    const wanted = this.generation;
    const next = this.queue.then(async () => {
      if (this.savedGeneration >= wanted) return; // a later write already covered this state
      const generation = this.generation;
      await writeFileAtomic(this.file, serializeSession(this.data));
      this.savedGeneration = generation;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Waits for every queued write (shutdown). */
  flush(): Promise<void> {
    return this.queue;
  }

  /**
   * Moves the `count` oldest live turns to the archive and replaces the summary with `summaryText`
   * (which must cover the old summary and those turns).
   */
  async compact(count: number, summaryText: string): Promise<void> {
    const removed = this.data.turns.slice(0, count);
    if (removed.length === 0) return;
    await this.appendArchive({ kind: 'compaction', conversation: this.data.startedAt, at: this.now(), summary: this.data.summary?.text ?? null, turns: removed });
    this.data.turns = this.data.turns.slice(count);
    this.data.summary = { text: summaryText, throughIndex: removed[removed.length - 1].index, at: this.now() };
    this.reindex();
    this.generation++;
    await this.save();
  }

  /** SESSION_RESET: archives the conversation and starts an empty one. */
  async reset(): Promise<SessionResetResult> {
    const archivedTurns = this.data.nextIndex;
    if (this.data.turns.length > 0 || this.data.summary) {
      await this.appendArchive({ kind: 'reset', conversation: this.data.startedAt, at: this.now(), summary: this.data.summary?.text ?? null, turns: this.data.turns });
    }
    this.data = emptySession(Math.max(this.now(), this.data.startedAt + 1));
    this.reindex();
    this.generation++;
    await this.save();
    return { archivedTurns, startedAt: this.data.startedAt };
  }

  /** A page of turns with index < before (newest page when absent), oldest first. */
  async history(before: number | undefined, limit: number): Promise<ChatHistoryResult> {
    const upper = before ?? this.data.nextIndex;
    let candidates = this.data.turns.filter((t) => t.index < upper);
    const firstLive = this.data.turns[0]?.index ?? this.data.nextIndex;
    // One more than the page is enough to know whether older turns exist.
    if (candidates.length <= limit && Math.min(upper, firstLive) > 0) {
      candidates = [...(await this.archivedTurns(Math.min(upper, firstLive))), ...candidates];
    }
    let page = candidates.slice(-limit).map(publicTurn);
    let more = candidates.length > page.length;
    // Keep the answer well inside one message: drop the oldest turns of the page until it fits.
    while (page.length > 1 && Buffer.byteLength(JSON.stringify(page)) > MAX_HISTORY_PAGE_BYTES) {
      page = page.slice(1);
      more = true;
    }
    return { turns: page, more };
  }

  /** Turns of this conversation with index < upper from the archive (deduplicated, oldest first). */
  private async archivedTurns(upper: number): Promise<StoredTurn[]> {
    let text: string;
    try {
      text = await readFile(this.archiveFile, 'utf8');
    } catch {
      return [];
    }
    const byIndex = new Map<number, StoredTurn>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const record = JSON.parse(line) as ArchiveRecord;
        if (record.conversation !== this.data.startedAt || !Array.isArray(record.turns)) continue;
        for (const turn of record.turns) if (turn.index < upper) byIndex.set(turn.index, turn);
      } catch {
        // a line torn by a crash mid-append; the others are intact
      }
    }
    return [...byIndex.values()].sort((a, b) => a.index - b.index);
  }

  private async appendArchive(record: ArchiveRecord): Promise<void> {
    const handle = await open(this.archiveFile, 'a', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(record)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private reindex(): void {
    this.byId.clear();
    for (const turn of this.data.turns) this.byId.set(turn.id, turn);
  }
}
