/** The slash command registry and the parser that recognises a command in the chat input. */
import { compromisedCommand } from './compromised';
import { helpCommand } from './help';
import { historyCommand } from './history';
import { quitCommand } from './quit';
import { resetCommand } from './reset';
import type { CommandContext, SlashCommand } from './types';

export type { CommandContext, SlashCommand } from './types';

export const COMMANDS: readonly SlashCommand[] = [helpCommand, resetCommand, historyCommand, compromisedCommand, quitCommand];

/**
 * `/word args` is a command; anything else (including `/usr/bin/env ...`, which has a slash after
 * the word) is chat text.
 */
export function parseSlashCommand(text: string): { name: string; args: string } | null {
  const match = /^\/([a-z][a-z-]*)(?:\s+([\s\S]*))?$/i.exec(text.trim());
  if (!match) return null;
  return { name: match[1].toLowerCase(), args: match[2] ?? '' };
}

/** Runs the command named in `text`; false when `text` is not a command at all. */
export async function runSlashCommand(text: string, ctx: Omit<CommandContext, 'commands'>): Promise<boolean> {
  const parsed = parseSlashCommand(text);
  if (!parsed) return false;
  const command = COMMANDS.find((c) => c.name === parsed.name);
  if (!command) {
    ctx.addScrollback({ kind: 'system', text: `Unknown command /${parsed.name}; type /help for the list.` });
    return true;
  }
  await command.run({ ...ctx, commands: COMMANDS }, parsed.args);
  return true;
}
