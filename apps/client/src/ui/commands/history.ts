import { DEFAULT_HISTORY_TURNS } from '../constants';
import { formatError } from '../state/errors';
import type { NewScrollbackItem } from '../state/scrollback';
import type { SlashCommand } from './types';

/** Turns as the server sends them: `{role: 'user'|'assistant', text|content}`. */
function toItems(raw: unknown[]): NewScrollbackItem[] {
  const items: NewScrollbackItem[] = [];
  for (const turn of raw) {
    if (!turn || typeof turn !== 'object') continue;
    const t = turn as Record<string, unknown>;
    const text = typeof t.text === 'string' ? t.text : typeof t.content === 'string' ? t.content : '';
    if (t.role === 'user') items.push({ kind: 'user', text });
    else if (t.role === 'assistant') items.push({ kind: 'assistant', text });
  }
  return items;
}

export const historyCommand: SlashCommand = {
  name: 'history',
  usage: '/history [turns]',
  description: `show the stored conversation (last ${DEFAULT_HISTORY_TURNS} turns by default)`,
  async run(ctx, args) {
    const parsed = Number.parseInt(args, 10);
    const limit = Number.isFinite(parsed) && parsed > 0 ? parsed : DEFAULT_HISTORY_TURNS;
    try {
      const answer = await ctx.conn.request({ type: 'CHAT_HISTORY', limit });
      const raw = Array.isArray(answer.turns) ? answer.turns : Array.isArray(answer.messages) ? answer.messages : [];
      const items = toItems(raw);
      ctx.addScrollback(
        { kind: 'system', text: items.length ? `── conversation history (${items.length} messages) ──` : 'The conversation is empty.' },
        ...items,
        ...(items.length ? [{ kind: 'system' as const, text: '── end of history ──' }] : []),
      );
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
