/**
 * The context files as the chat and cron see them: re-checked on every turn (cheap: mtime/size via
 * ContextCache), so an edit to SOUL.md takes effect on the next message. Warnings (an unreadable
 * file) are logged once per change, not once per turn.
 */
import { ContextCache, type ContextResult } from '@clawchat/context';
import type { Logger } from './log';

export interface TurnContext {
  systemPrompt: string;
  /** Names of the files that made it into the prompt (the offline provider lists them). */
  files: string[];
}

export class ContextSource {
  private readonly cache: ContextCache;
  private last: ContextResult | undefined;

  constructor(
    dir: string,
    private readonly log: Logger,
    caps: { perFileCap?: number; totalCap?: number } = {},
  ) {
    this.cache = new ContextCache(dir, caps);
  }

  get(now: Date = new Date()): TurnContext {
    const result = this.cache.get(now);
    if (result !== this.last) {
      this.last = result;
      for (const warning of result.warnings) this.log.warn('context', warning);
      this.log.debug('context', `context files: ${result.files.map((f) => f.name).join(', ') || 'none'} (${result.systemPrompt.length} characters)`);
    }
    return { systemPrompt: result.systemPrompt, files: result.files.filter((f) => !f.omitted).map((f) => f.name) };
  }
}
