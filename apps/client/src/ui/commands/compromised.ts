import { formatError } from '../state/errors';
import type { SlashCommand } from './types';

export const compromisedCommand: SlashCommand = {
  name: 'compromised',
  usage: '/compromised yes',
  description: "report this device's keys as compromised: the relay revokes them (needs a new .sec)",
  async run(ctx, args) {
    // Irreversible for this device, so it needs the word "yes" rather than a keypress.
    if (args.trim().toLowerCase() !== 'yes') {
      ctx.addScrollback({
        kind: 'system',
        text: "This revokes this device's keys and credential at the relay; you will need a new .sec file to reconnect. Type /compromised yes to do it.",
      });
      return;
    }
    try {
      // Nothing to add on success: the connection closes with the revocation as its reason, and the
      // App shows that once (a line here would say it a second time).
      await ctx.conn.reportCompromised();
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
