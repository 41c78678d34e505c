/**
 * The shape of llm_session.json and its strict reader. Anything that does not fit is "corrupt": the
 * store then moves the file aside and starts fresh rather than guessing.
 *
 * {
 *   "version": 1,
 *   "startedAt": 1718000000000,          when this conversation began (ms)
 *   "nextIndex": 42,                     index the next turn gets (= turns in the conversation so far)
 *   "summary": null | { "text": "...", "throughIndex": 30, "at": ms },   compacted turns 0..throughIndex
 *   "turns": [ StoredTurn, ... ]         the live (not compacted) turns, oldest first
 * }
 */
import type { ChatTurn, TokenUsage } from '@clawchat/protocol';

export const SESSION_FILE_VERSION = 1;

/** A turn as stored: the catalogue's ChatTurn plus what the provider needs to see it again. */
export interface StoredTurn extends ChatTurn {
  usage?: TokenUsage;
  /** Text of the turn's attachments, sent to the provider with the question. */
  attached?: string;
}

export interface ConversationSummary {
  text: string;
  /** Highest turn index the summary covers. */
  throughIndex: number;
  at: number;
}

export interface SessionData {
  version: number;
  startedAt: number;
  nextIndex: number;
  summary: ConversationSummary | null;
  turns: StoredTurn[];
}

export function emptySession(now: number): SessionData {
  return { version: SESSION_FILE_VERSION, startedAt: now, nextIndex: 0, summary: null, turns: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === 'string';

function checkTurn(value: unknown, position: number): StoredTurn {
  const where = `turns[${position}]`;
  if (!isRecord(value)) throw new Error(`${where} is not an object`);
  const { index, id, question, answer, at, provider, model, cancelled, usage, attached } = value;
  if (!isCount(index)) throw new Error(`${where}.index is not a whole number`);
  if (!isString(id) || !isString(question) || !isString(answer) || !isString(provider) || !isString(model)) {
    throw new Error(`${where} is missing a text field`);
  }
  if (!isCount(at)) throw new Error(`${where}.at is not a time`);
  if (cancelled !== undefined && typeof cancelled !== 'boolean') throw new Error(`${where}.cancelled is not true/false`);
  if (attached !== undefined && !isString(attached)) throw new Error(`${where}.attached is not text`);
  if (usage !== undefined && !(isRecord(usage) && isCount(usage.inputTokens) && isCount(usage.outputTokens))) {
    throw new Error(`${where}.usage is malformed`);
  }
  const turn: StoredTurn = { index, id, question, answer, at, provider, model };
  if (cancelled) turn.cancelled = true;
  if (usage !== undefined) turn.usage = { inputTokens: usage.inputTokens as number, outputTokens: usage.outputTokens as number };
  if (attached !== undefined) turn.attached = attached;
  return turn;
}

/** Parses and checks the file's text; throws an Error saying what is wrong. */
export function parseSessionFile(text: string): SessionData {
  const data: unknown = JSON.parse(text);
  if (!isRecord(data)) throw new Error('the file is not a JSON object');
  if (data.version !== SESSION_FILE_VERSION) throw new Error(`unknown version ${JSON.stringify(data.version)}`);
  if (!isCount(data.startedAt) || !isCount(data.nextIndex)) throw new Error('startedAt or nextIndex is missing');
  if (!Array.isArray(data.turns)) throw new Error('turns is not a list');
  const turns = data.turns.map(checkTurn);
  for (let i = 1; i < turns.length; i++) {
    if (turns[i].index <= turns[i - 1].index) throw new Error('turns are out of order');
  }
  if (turns.length > 0 && turns[turns.length - 1].index >= data.nextIndex) throw new Error('nextIndex is behind the last turn');
  let summary: ConversationSummary | null = null;
  if (data.summary !== null && data.summary !== undefined) {
    const s = data.summary;
    if (!isRecord(s) || !isString(s.text) || !isCount(s.throughIndex) || !isCount(s.at)) throw new Error('summary is malformed');
    summary = { text: s.text, throughIndex: s.throughIndex, at: s.at };
  }
  return { version: SESSION_FILE_VERSION, startedAt: data.startedAt, nextIndex: data.nextIndex, summary, turns };
}

/**
 * Each stored turn's JSON, made once: the whole file is rewritten after every turn (spec: temp, fsync,
 * rename), and re-encoding a long conversation each time was most of a turn's CPU. Stored turns are
 * never modified after they are appended or read, so their text cannot go stale.
 */
const turnJson = new WeakMap<StoredTurn, string>();

function turnText(turn: StoredTurn): string {
  let text = turnJson.get(turn);
  if (text === undefined) {
    text = JSON.stringify(turn);
    turnJson.set(turn, text);
  }
  return text;
}

/** Exactly `JSON.stringify(data)` plus a newline, with the turns' JSON reused from earlier writes. */
export function serializeSession(data: SessionData): string {
  const head = JSON.stringify({ version: data.version, startedAt: data.startedAt, nextIndex: data.nextIndex, summary: data.summary });
  return `${head.slice(0, -1)},"turns":[${data.turns.map(turnText).join(',')}]}\n`;
}
