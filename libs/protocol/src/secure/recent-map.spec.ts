import { setMostRecent } from './recent-map';

test('keeps at most `limit` entries and forgets the least recently set one', () => {
  const map = new Map<string, number>();
  for (let i = 0; i < 5; i++) setMostRecent(map, `k${i}`, i, 3);
  expect([...map.keys()]).toEqual(['k2', 'k3', 'k4']);
  setMostRecent(map, 'k2', 20, 3); // used again: now the most recent
  setMostRecent(map, 'k5', 5, 3);
  expect([...map.entries()]).toEqual([
    ['k4', 4],
    ['k2', 20],
    ['k5', 5],
  ]);
});
