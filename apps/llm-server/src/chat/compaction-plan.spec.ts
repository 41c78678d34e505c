import { estimatedTokens, turnsToCompact } from './compaction-plan';

test('nothing is compacted while the prompt fits the budget', () => {
  expect(turnsToCompact({ systemChars: 100, summaryChars: 0, turnChars: [100, 100, 100], budgetTokens: 100 })).toBe(0);
  expect(estimatedTokens({ systemChars: 100, summaryChars: 0, turnChars: [100, 100, 100], budgetTokens: 100 })).toBe(100);
});

test('over budget, the oldest turns go until the prompt is at half the budget', () => {
  // 4 chars per token: budget 100 tokens = 400 chars; target 200 chars.
  expect(turnsToCompact({ systemChars: 0, summaryChars: 0, turnChars: [100, 100, 100, 100, 10], budgetTokens: 100 })).toBe(3);
});

test('the newest two turns always stay, even when they alone are over budget', () => {
  expect(turnsToCompact({ systemChars: 0, summaryChars: 0, turnChars: [1000, 1000], budgetTokens: 10 })).toBe(0);
  expect(turnsToCompact({ systemChars: 0, summaryChars: 0, turnChars: [10, 1000, 1000], budgetTokens: 10 })).toBe(1);
});
