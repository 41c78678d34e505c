import { keyHintLines } from './key-hints';

const FILES = ['Enter open', 'Bksp up', 'd download', 'u upload', 'Del delete', 'r rename', 'm mkdir', 'g refresh'];

test('one line when it fits, else even lines that each fit (nothing cut off at 80 columns)', () => {
  expect(keyHintLines(FILES, 120)).toEqual([FILES.join(' · ')]);
  const at80 = keyHintLines(FILES, 80);
  expect(at80).toEqual(['Enter open · Bksp up · d download · u upload', 'Del delete · r rename · m mkdir · g refresh']);
  expect(at80.join(' · ')).toBe(FILES.join(' · '));
  for (const line of keyHintLines(FILES, 30)) expect(line.length).toBeLessThanOrEqual(30);
  expect(keyHintLines(['a very long hint'], 5)).toEqual(['a very long hint']);
});
