import { STREAM_END_MARKER, STREAM_START_MARKER } from '../constants';
import { streamedReply } from './fake-provider';

test('the streamed reply: markers at both ends, paragraphs of about the asked size, never over the length', () => {
  const text = streamedReply(50_000, 400);
  expect(text.startsWith(STREAM_START_MARKER)).toBe(true);
  expect(text.endsWith(` ${STREAM_END_MARKER}`)).toBe(true);
  expect(text.length).toBeLessThanOrEqual(50_000);
  expect(text.length).toBeGreaterThan(49_900);
  const paragraphs = text.split('\n\n');
  expect(paragraphs.length).toBeGreaterThan(100);
  for (const p of paragraphs.slice(0, -1)) expect(p.length).toBeLessThan(420);
  // The markers appear once each, so seeing one on the screen means that end of the reply.
  expect(text.split(STREAM_END_MARKER)).toHaveLength(2);
  expect(text.split(STREAM_START_MARKER)).toHaveLength(2);
});
