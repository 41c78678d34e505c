import { closeOpenFence, takeFinishedBlocks } from './stream-split';

describe('takeFinishedBlocks', () => {
  test('commits paragraphs ending in a blank line and keeps the growing one live', () => {
    const split = takeFinishedBlocks('First para.\n\nSecond para.\n\nThird is still gro', 20);
    expect(split.finished).toEqual(['First para.\n\nSecond para.']);
    expect(split.pending).toBe('Third is still gro');
  });

  test('a blank line inside a code fence is not a split point', () => {
    const text = 'Intro\n\n```js\nconst a = 1;\n\nconst b = 2;\n';
    const split = takeFinishedBlocks(text, 20);
    expect(split.finished).toEqual(['Intro']);
    expect(split.pending).toBe('```js\nconst a = 1;\n\nconst b = 2;\n');
  });

  test('a closed fence followed by a blank line is committed whole', () => {
    const split = takeFinishedBlocks('```\ncode\n\nmore\n```\n\nafter', 20);
    expect(split.finished).toEqual(['```\ncode\n\nmore\n```']);
    expect(split.pending).toBe('after');
  });

  test('an incomplete last line is never a split point', () => {
    expect(takeFinishedBlocks('Hello\n', 20).finished).toEqual([]);
    expect(takeFinishedBlocks('Hello\n   ', 20).finished).toEqual([]);
  });

  test('a code fence taller than the live area is cut, closed and reopened', () => {
    const body = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n');
    const split = takeFinishedBlocks(`~~~~python\n${body}\npartial`, 5);
    expect(split.finished).toEqual([`~~~~python\n${body}\n~~~~`]);
    expect(split.pending).toBe('~~~~python\npartial');
  });
});

describe('closeOpenFence', () => {
  test('closes an unfinished fence with the same marker', () => {
    expect(closeOpenFence('text\n````ts\nlet x')).toBe('text\n````ts\nlet x\n````');
    expect(closeOpenFence('```\na\n```\n')).toBe('```\na\n```\n');
    expect(closeOpenFence('inline ```code``` here')).toBe('inline ```code``` here');
  });
});
