import { requestOk } from '../../connection/ok';
import { formatError } from '../state/errors';
import type { SlashCommand } from './types';

export const resetCommand: SlashCommand = {
  name: 'reset',
  usage: '/reset',
  description: 'start a new conversation (the old one is archived on the server)',
  async run(ctx) {
    try {
      const { archivedTurns } = await requestOk(ctx.conn, { type: 'SESSION_RESET' });
      const archived = archivedTurns > 0 ? ` (${archivedTurns} turn${archivedTurns === 1 ? '' : 's'} archived on the server)` : '';
      ctx.addScrollback({ kind: 'system', text: `New conversation started${archived}.` });
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
