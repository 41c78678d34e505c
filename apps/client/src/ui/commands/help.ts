import type { SlashCommand } from './types';

const KEYS = [
  'Enter send · Ctrl+J or Alt+Enter newline · Up/Down history · Esc cancel the reply · Ctrl+C twice exit',
  'Tab/Shift+Tab, F1–F3 or Alt+1–3 switch between Chat, Files and Crontab',
];

export const helpCommand: SlashCommand = {
  name: 'help',
  usage: '/help',
  description: 'show commands and keys',
  run(ctx) {
    const width = Math.max(...ctx.commands.map((c) => c.usage.length));
    const lines = ctx.commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.description}`);
    ctx.addScrollback({ kind: 'info', text: ['Commands:', ...lines, 'Keys:', ...KEYS.map((k) => `  ${k}`)].join('\n') });
  },
};
