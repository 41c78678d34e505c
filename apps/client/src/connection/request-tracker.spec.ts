import { RequestTracker } from './request-tracker';
import type { Message } from './types';

describe('RequestTracker', () => {
  test('pieces go to onPiece, the end resolves and forgets the request', async () => {
    const t = new RequestTracker();
    const pieces: Message[] = [];
    const { done } = t.add({ type: 'FILE_DOWNLOAD', id: 'd1', path: 'a' }, (p) => pieces.push(p));
    expect(t.handle({ type: 'FILE_DATA', re: 'd1', offset: 0, bytes: new Uint8Array([1]) })).toBe('piece');
    expect(t.handle({ type: 'FILE_DONE', re: 'd1', size: 1, sha256: 'x' })).toBe('end');
    await expect(done).resolves.toMatchObject({ type: 'FILE_DONE', re: 'd1' });
    expect(pieces).toHaveLength(1);
    expect(t.size).toBe(0);
    expect(t.handle({ type: 'FILE_DONE', re: 'd1', size: 1, sha256: 'x' })).toBe('stray');
  });

  test('ERROR rejects with its code, message and retryAfterMs', async () => {
    const t = new RequestTracker();
    const { done } = t.add({ type: 'CHAT', id: 'c1', text: 'hi' });
    t.handle({ type: 'ERROR', re: 'c1', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 500 });
    await expect(done).rejects.toMatchObject({ code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 500 });
  });

  test('pushes: CRON_EVENT, COMPROMISED, an ERROR without re, a CHAT_DONE for another device', () => {
    const t = new RequestTracker();
    void t.add({ type: 'CHAT', id: 'mine', text: 'hi' }).done.catch(() => undefined);
    expect(t.handle({ type: 'CRON_EVENT', job: 'j', event: 'started', runId: 'r', at: 1 })).toBe('push');
    expect(t.handle({ type: 'COMPROMISED', reason: 'x' })).toBe('push');
    expect(t.handle({ type: 'ERROR', code: 'LLM_UNREACHABLE', message: 'down' })).toBe('push');
    expect(t.handle({ type: 'CHAT_DONE', re: 'theirs', text: 'a', provider: 'p', model: 'm' })).toBe('push');
    expect(t.handle({ type: 'CHAT_DONE', re: 'mine', text: 'a', provider: 'p', model: 'm' })).toBe('end');
    expect(t.handle({ type: 'NOT_A_TYPE', re: 'mine' })).toBe('stray');
  });

  test('after a session loss everything is unsent again and replayed chat text is skipped exactly once', async () => {
    const t = new RequestTracker();
    const text: string[] = [];
    const { request, done } = t.add({ type: 'CHAT', id: 'c1', text: 'q' }, (p) => text.push(String(p.text)));
    request.sent = true;
    t.handle({ type: 'CHAT_DELTA', re: 'c1', text: 'abc' });
    t.handle({ type: 'CHAT_DELTA', re: 'c1', text: 'de' });
    expect(t.unsent()).toHaveLength(0);
    t.markAllUnsent();
    expect(t.unsent().map((r) => r.msg.id)).toEqual(['c1']);
    // The server replays the turn from the start, in different piece sizes.
    t.handle({ type: 'CHAT_DELTA', re: 'c1', text: 'ab' });
    t.handle({ type: 'CHAT_DELTA', re: 'c1', text: 'cdefg' });
    t.handle({ type: 'CHAT_DELTA', re: 'c1', text: 'h' });
    t.handle({ type: 'CHAT_DONE', re: 'c1', text: 'abcdefgh', provider: 'p', model: 'm' });
    await done;
    expect(text.join('')).toBe('abcdefgh');
  });

  test('failAll rejects every open request; a reused id is refused', async () => {
    const t = new RequestTracker();
    const a = t.add({ type: 'CRON_LIST', id: 'a' }).done;
    const b = t.add({ type: 'CRON_LIST', id: 'b' }).done;
    expect(() => t.add({ type: 'CRON_LIST', id: 'a' })).toThrow(/already in use/);
    t.failAll('CONNECTION_LOST', 'gone');
    await expect(a).rejects.toMatchObject({ code: 'CONNECTION_LOST' });
    await expect(b).rejects.toMatchObject({ code: 'CONNECTION_LOST', message: 'gone' });
    expect(t.size).toBe(0);
  });

  test('a throwing piece handler does not break routing', async () => {
    const t = new RequestTracker();
    const { done } = t.add({ type: 'CHAT', id: 'c', text: 'q' }, () => {
      throw new Error('ui bug');
    });
    expect(t.handle({ type: 'CHAT_DELTA', re: 'c', text: 'x' })).toBe('piece');
    t.handle({ type: 'CHAT_DONE', re: 'c', text: 'x', provider: 'p', model: 'm' });
    await expect(done).resolves.toMatchObject({ text: 'x' });
  });
});
