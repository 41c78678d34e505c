import { chatRequest, collect } from '../test-support/collect';
import { createOfflineProvider, offlineReply, splitIntoPieces } from './offline';

describe('offline provider', () => {
  const provider = createOfflineProvider();

  test('streams a deterministic reply in several pieces that repeats the prompt and lists the context files', async () => {
    const request = chatRequest({ messages: [{ role: 'user', content: 'What is on my calendar?' }], contextFiles: ['AGENTS.md', 'SOUL.md'] });
    const first = await collect(provider.stream(request));
    const second = await collect(provider.stream({ ...request, signal: new AbortController().signal }));

    expect(first.deltas.length).toBeGreaterThan(3);
    expect(first.deltas).toEqual(second.deltas);
    const text = first.deltas.join('');
    expect(text).toBe(offlineReply(request));
    expect(text).toContain('You said: What is on my calendar?');
    expect(text).toContain('Context files loaded: AGENTS.md, SOUL.md.');
    expect(text).toContain('offline provider');
    expect(text).toContain('DEEPSEEK_API_KEY');
    expect(text).toContain('CLAWCHAT_LLM_BASE_URL');
    expect(first.done).toEqual({
      kind: 'done',
      provider: 'offline',
      model: 'offline',
      usage: { inputTokens: Math.ceil(('You are a test assistant.' + 'What is on my calendar?').length / 4), outputTokens: Math.ceil(text.length / 4) },
    });
  });

  test('repeats the latest user message and says when no context is loaded', () => {
    const text = offlineReply(
      chatRequest({
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'reply' },
          { role: 'user', content: 'second' },
        ],
      }),
    );
    expect(text.startsWith('You said: second\n')).toBe(true);
    expect(text).toContain('Context files loaded: none.');
  });

  test('cancelling mid-answer ends with CANCELLED', async () => {
    const controller = new AbortController();
    const result = await collect(provider.stream(chatRequest({ signal: controller.signal })), () => controller.abort());
    expect(result.deltas).toHaveLength(1);
    expect(result.error?.code).toBe('CANCELLED');
    expect(result.done).toBeUndefined();
  });

  test('a summary request trims the transcript instead of echoing it', () => {
    const long = 'x'.repeat(1_000);
    const text = offlineReply(chatRequest({ purpose: 'summary', messages: [{ role: 'user', content: `User: ${long}\n\nAssistant: short` }] }));
    expect(text).toContain('trimmed by the offline provider');
    expect(text).toContain('- Assistant: short');
    expect(text.length).toBeLessThan(400);
  });

  test('splitIntoPieces loses nothing', () => {
    const text = 'one two  three\nfour five six seven eight nine';
    const pieces = splitIntoPieces(text, 2);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(3);
  });
});
