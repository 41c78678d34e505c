/**
 * When and how much to compact (pure). The prompt of a turn is the system prompt, the summary of
 * compacted turns and every live turn; tokens are estimated as characters / 4 (spec). Once that passes
 * the budget, the oldest turns are compacted until the estimate is back under COMPACTION_TARGET_SHARE
 * of the budget, so compaction does not run again on the very next turn. The newest
 * COMPACTION_KEEP_RECENT_TURNS turns always stay.
 */
import { CHARS_PER_TOKEN, COMPACTION_KEEP_RECENT_TURNS, COMPACTION_TARGET_SHARE } from '../constants';
import type { StoredTurn } from './session-file';

export interface CompactionInput {
  systemChars: number;
  summaryChars: number;
  turnChars: readonly number[];
  budgetTokens: number;
}

export function turnChars(turn: StoredTurn): number {
  return turn.question.length + (turn.attached?.length ?? 0) + turn.answer.length;
}

export function estimatedTokens(input: CompactionInput): number {
  const chars = input.systemChars + input.summaryChars + input.turnChars.reduce((a, b) => a + b, 0);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** How many of the oldest live turns to compact now; 0 when the prompt fits the budget. */
export function turnsToCompact(input: CompactionInput): number {
  if (estimatedTokens(input) <= input.budgetTokens) return 0;
  const compactable = input.turnChars.length - COMPACTION_KEEP_RECENT_TURNS;
  if (compactable <= 0) return 0;
  const targetChars = input.budgetTokens * CHARS_PER_TOKEN * COMPACTION_TARGET_SHARE;
  let remaining = input.systemChars + input.summaryChars + input.turnChars.reduce((a, b) => a + b, 0);
  let count = 0;
  while (count < compactable && remaining > targetChars) {
    remaining -= input.turnChars[count];
    count++;
  }
  return Math.max(count, 1);
}
