import { buildPrompt, EMPTY_REPLY_PLACEHOLDER, historyMessages, PromptHistory } from './prompt';
import type { StoredTurn } from './session-file';

const turn = (index: number, answer = `answer ${index}`): StoredTurn => ({
  index,
  id: `id-${index}`,
  question: `question ${index}`,
  answer,
  at: 1_000 + index,
  provider: 'offline',
  model: 'offline',
});

describe('PromptHistory', () => {
  test('gives the same messages as building them from scratch, turn after turn', () => {
    const history = new PromptHistory();
    const turns: StoredTurn[] = [];
    for (let i = 0; i < 5; i++) {
      turns.push(turn(i));
      expect(history.messagesFor(turns)).toEqual(historyMessages(turns));
    }
  });

  test('reuses the message objects of turns it has seen (no rebuild before each reply)', () => {
    const history = new PromptHistory();
    const turns = [turn(0), turn(1)];
    const before = history.messagesFor(turns);
    const firstMessage = before[0];
    const after = history.messagesFor([...turns, turn(2)]);
    expect(after[0]).toBe(firstMessage);
    expect(after).toHaveLength(6);
  });

  test('rebuilds when the oldest turns were compacted away or the conversation was reset', () => {
    const history = new PromptHistory();
    const turns = [turn(0), turn(1), turn(2)];
    history.messagesFor(turns);
    const compacted = turns.slice(2);
    expect(history.messagesFor(compacted)).toEqual(historyMessages(compacted));
    expect(history.messagesFor([])).toEqual([]);
    const fresh = [turn(0, 'a different answer')];
    expect(history.messagesFor(fresh)).toEqual(historyMessages(fresh));
  });

  test('a cancelled turn with no words stands in with the placeholder (providers refuse empty messages)', () => {
    expect(new PromptHistory().messagesFor([turn(0, '')])[1]).toEqual({ role: 'assistant', content: EMPTY_REPLY_PLACEHOLDER });
  });
});

describe('buildPrompt', () => {
  test('the question comes last and the cached history is not changed by it', () => {
    const history = new PromptHistory();
    const turns = [turn(0)];
    const prompt = buildPrompt('system', null, history.messagesFor(turns), 'new question');
    expect(prompt.messages.at(-1)).toEqual({ role: 'user', content: 'new question' });
    expect(history.messagesFor(turns)).toHaveLength(2);
  });
});
