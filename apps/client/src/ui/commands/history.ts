import { MAX_HISTORY_PAGE, type ChatTurn } from '@clawchat/protocol';
import { requestOk } from '../../connection/ok';
import { DEFAULT_HISTORY_TURNS } from '../constants';
import { formatError } from '../state/errors';
import type { NewScrollbackItem } from '../state/scrollback';
import type { SlashCommand } from './types';

/** Stored turns (CHAT_HISTORY → OK {turns: [{question, answer, ...}]}, oldest first) as scrollback items. */
export function historyItems(turns: ChatTurn[]): NewScrollbackItem[] {
  const items: NewScrollbackItem[] = [];
  for (const turn of turns) {
    items.push({ kind: 'user', text: turn.question });
    if (turn.answer.trim() !== '') items.push({ kind: 'assistant', text: turn.answer });
    if (turn.cancelled) items.push({ kind: 'system', text: 'Reply cancelled.' });
  }
  return items;
}

/** Turns asked for by `/history [N]`; undefined when N is not a whole number of at least 1. */
export function historyLimit(args: string): number | undefined {
  const text = args.trim();
  if (text === '') return DEFAULT_HISTORY_TURNS;
  if (!/^\d+$/.test(text) || Number(text) < 1) return undefined;
  return Math.min(MAX_HISTORY_PAGE, Number(text));
}

export const historyCommand: SlashCommand = {
  name: 'history',
  usage: '/history [N]',
  description: `show the last N turns of the stored conversation (${DEFAULT_HISTORY_TURNS} by default)`,
  async run(ctx, args) {
    const limit = historyLimit(args);
    if (limit === undefined) {
      ctx.addScrollback({ kind: 'system', text: `Usage: /history [N], N a whole number of turns from 1 to ${MAX_HISTORY_PAGE} (${DEFAULT_HISTORY_TURNS} by default).` });
      return;
    }
    try {
      const { turns, more } = await requestOk(ctx.conn, { type: 'CHAT_HISTORY', limit });
      const items = historyItems(turns);
      const count = `${turns.length} turn${turns.length === 1 ? '' : 's'}${more ? ', older ones not shown' : ''}`;
      ctx.addScrollback(
        { kind: 'system', text: turns.length ? `── conversation history (${count}) ──` : 'The conversation is empty.' },
        ...items,
        ...(turns.length ? [{ kind: 'system' as const, text: '── end of history ──' }] : []),
      );
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
