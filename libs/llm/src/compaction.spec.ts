import { summarise, SUMMARY_INSTRUCTIONS } from './compaction';
import { createOpenAiChatProvider } from './providers/openai-chat';
import { createOfflineProvider } from './providers/offline';
import { FailoverChain } from './failover';
import { TEST_KEY } from './test-support/collect';
import { FakeHttpServer } from './test-support/fake-http';
import { openAiStream } from './test-support/openai-wire';
import type { ChatMessage } from './types';

const history: ChatMessage[] = [
  { role: 'user', content: 'My name is Ada and I like tea.' },
  { role: 'assistant', content: 'Nice to meet you, Ada.' },
];

describe('summarise', () => {
  test('sends the transcript to the provider and collects the streamed summary', async () => {
    const fake = await FakeHttpServer.start();
    try {
      fake.reply(openAiStream(['Ada ', 'likes tea.'], { prompt: 40, completion: 4 }));
      const provider = createOpenAiChatProvider({ name: 'deepseek', model: 'deepseek-chat', baseURL: fake.origin, apiKey: TEST_KEY });
      const summary = await summarise(provider, history, { maxTokens: 200 });
      expect(summary).toEqual({ text: 'Ada likes tea.', provider: 'deepseek', model: 'deepseek-chat', usage: { inputTokens: 40, outputTokens: 4 } });
      expect(fake.requests[0].body).toMatchObject({
        max_tokens: 200,
        messages: [
          { role: 'system', content: SUMMARY_INSTRUCTIONS },
          { role: 'user', content: 'User: My name is Ada and I like tea.\n\nAssistant: Nice to meet you, Ada.' },
        ],
      });
    } finally {
      await fake.stop();
    }
  });

  test('with the offline provider (alone or as a fallback) it trims instead of echoing', async () => {
    for (const provider of [createOfflineProvider(), new FailoverChain([createOfflineProvider()])]) {
      const summary = await summarise(provider, history);
      expect(summary.provider).toBe('offline');
      expect(summary.text).toContain('- User: My name is Ada and I like tea.');
      expect(summary.text).not.toContain('You said');
    }
  });
});
