import type { SlashCommand } from './types';

export const quitCommand: SlashCommand = {
  name: 'quit',
  usage: '/quit',
  description: 'leave clawchat',
  run(ctx) {
    ctx.exit();
  },
};
