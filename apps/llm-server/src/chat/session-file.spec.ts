import { emptySession, parseSessionFile, serializeSession, type SessionData, type StoredTurn } from './session-file';

const turn = (index: number, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  id: `id-${index}`,
  question: `question "${index}"\nwith a line break`,
  answer: `answer ${index} — ünïcödé`,
  at: 1_700_000_000_000 + index,
  provider: 'offline',
  model: 'offline',
  ...extra,
  index,
});

describe('serializeSession', () => {
  test('writes exactly what JSON.stringify would, for an empty and for a full session', () => {
    const empty = emptySession(1_000);
    expect(serializeSession(empty)).toBe(`${JSON.stringify(empty)}\n`);
    const full: SessionData = {
      ...emptySession(1_000),
      nextIndex: 5,
      summary: { text: 'summary', throughIndex: 1, at: 2_000 },
      turns: [turn(2), turn(3, { cancelled: true }), turn(4, { usage: { inputTokens: 10, outputTokens: 3 }, attached: 'file text' })],
    };
    expect(serializeSession(full)).toBe(`${JSON.stringify(full)}\n`);
  });

  test('a turn written before and the turns appended since come out the same as a fresh encoding', () => {
    const data: SessionData = { ...emptySession(1_000), nextIndex: 1, turns: [turn(0)] };
    serializeSession(data);
    data.turns.push(turn(1));
    data.nextIndex = 2;
    const text = serializeSession(data);
    expect(text).toBe(`${JSON.stringify(data)}\n`);
    expect(parseSessionFile(text)).toEqual(data);
  });
});
