import { formatError } from '../state/errors';
import type { SlashCommand } from './types';

export const resetCommand: SlashCommand = {
  name: 'reset',
  usage: '/reset',
  description: 'start a new conversation (the old one is archived on the server)',
  async run(ctx) {
    try {
      await ctx.conn.request({ type: 'SESSION_RESET' });
      ctx.addScrollback({ kind: 'system', text: 'New conversation started; the previous one is archived on the server.' });
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
