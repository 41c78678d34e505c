import { lastUserText, startFakeChatServer } from './fake-chat-server';

/** Reads a streamed chat completion the way an OpenAI client does: the content of every chunk, and the finish reason. */
async function ask(baseUrl: string, question: string): Promise<{ text: string; finish: string | null; done: boolean }> {
  const res = await fetch(`${baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ stream: true, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: question }] }) });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const body = await res.text();
  let text = '';
  let finish: string | null = null;
  let done = false;
  for (const event of body.split('\n\n').filter(Boolean)) {
    const data = event.replace(/^data: /, '');
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    const chunk = JSON.parse(data) as { model: string; choices: { delta: { content?: string }; finish_reason: string | null }[] };
    expect(chunk.model).toBe('test-model');
    text += chunk.choices[0].delta.content ?? '';
    finish = chunk.choices[0].finish_reason ?? finish;
  }
  return { text, finish, done };
}

test('streams what the handler writes, then stop and [DONE]; records every question', async () => {
  const bodies: string[] = [];
  const server = await startFakeChatServer(
    (question, reply, body) => {
      bodies.push(body);
      reply.write({ role: 'assistant', content: 'You asked: ' });
      reply.write({ content: question });
      reply.finish();
    },
    { model: 'test-model' },
  );
  try {
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(await ask(server.baseUrl, 'first')).toEqual({ text: 'You asked: first', finish: 'stop', done: true });
    await ask(server.baseUrl, 'second');
    expect(server.questions).toEqual(['first', 'second']);
    expect((JSON.parse(bodies[1]) as { messages: unknown[] }).messages).toHaveLength(2);
  } finally {
    await server.close();
  }
});

test('tells the handler when the client goes away half-way', async () => {
  let closed!: () => void;
  const wasClosed = new Promise<void>((resolve) => (closed = resolve));
  const server = await startFakeChatServer((_q, reply) => {
    reply.write({ content: 'a long reply that never ends' });
    reply.onClose(closed);
  });
  try {
    const abort = new AbortController();
    const res = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}', signal: abort.signal });
    const reader = res.body?.getReader();
    await reader?.read();
    abort.abort();
    await wasClosed;
    expect(server.questions).toEqual(['']);
  } finally {
    await server.close();
  }
});

test('lastUserText takes the last user message, joins content parts, and tolerates junk', () => {
  const body = (messages: unknown) => JSON.stringify({ messages });
  expect(lastUserText(body([{ role: 'user', content: 'one' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'two' }]))).toBe('two');
  expect(lastUserText(body([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]))).toBe('ab');
  expect(lastUserText(body([{ role: 'system', content: 'only system' }]))).toBe('');
  expect(lastUserText('not json')).toBe('');
});
