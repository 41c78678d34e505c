import { contextText } from './context-load';

test('contextText is markdown of exactly the asked length', () => {
  for (const chars of [100, 12_000, 20_001]) {
    const text = contextText('AGENTS.md', chars);
    expect(text).toHaveLength(chars);
    expect(text.startsWith('# AGENTS.md\n')).toBe(true);
  }
  expect(contextText('SOUL.md', 12_000)).toMatch(/\n## Section 2\n/);
});
