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
      await ctx.conn.reportCompromised();
      ctx.addScrollback({ kind: 'system', text: "This device's keys were revoked. Load a new .sec file to connect again." });
    } catch (err) {
      ctx.addScrollback({ kind: 'error', text: formatError(err) });
    }
  },
};
