import type { ClientConnection } from '../../connection/types';
import type { AddScrollback } from '../state/scrollback';

export interface CommandContext {
  conn: ClientConnection;
  addScrollback: AddScrollback;
  /** Leaves the UI (the entry point then closes the connection). */
  exit(): void;
  /** Every command, for /help. */
  commands: readonly SlashCommand[];
}

export interface SlashCommand {
  name: string;
  /** `/name <args>` as shown by /help. */
  usage: string;
  description: string;
  run(ctx: CommandContext, args: string): Promise<void> | void;
}
