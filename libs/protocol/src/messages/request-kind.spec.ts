import { expectsAnswer, isPush, requestKind } from './request-kind';
import { MESSAGE_TYPES, requiresId, requiresRe } from './schema';

describe('requestKind', () => {
  test('names the role of each type', () => {
    expect(requestKind('CHAT')).toBe('request');
    expect(requestKind('FILE_DOWNLOAD')).toBe('request');
    expect(requestKind('CHAT_CANCEL')).toBe('request');
    for (const type of ['OK', 'ERROR', 'CHAT_DONE', 'FILE_DONE', 'WELCOME', 'PONG'] as const) expect(requestKind(type)).toBe('end');
    for (const type of ['CHAT_DELTA', 'FILE_DATA', 'CHAT_QUEUED', 'FILE_CHUNK'] as const) expect(requestKind(type)).toBe('piece');
    for (const type of ['CRON_EVENT', 'COMPROMISED', 'CLIENT_OPEN', 'CLIENT_CLOSE'] as const) expect(requestKind(type)).toBe('push');
  });

  test('agrees with the schema: requests carry an id, ends and answer pieces carry re, pushes neither', () => {
    for (const type of MESSAGE_TYPES) {
      const kind = requestKind(type);
      if (kind === 'request') expect([type, requiresId(type)]).toEqual([type, true]);
      if (kind === 'end' && type !== 'ERROR') expect([type, requiresRe(type)]).toEqual([type, true]);
      if (kind === 'piece' && type !== 'FILE_CHUNK') expect([type, requiresRe(type)]).toEqual([type, true]);
      if (kind === 'push') expect([type, requiresId(type) || requiresRe(type)]).toEqual([type, false]);
    }
  });
});

describe('expectsAnswer', () => {
  test('requests do, a FILE_CHUNK only when it carries an id, the rest never', () => {
    expect(expectsAnswer({ type: 'CRON_RUN', id: 'a' })).toBe(true);
    expect(expectsAnswer({ type: 'FILE_CHUNK' })).toBe(false);
    expect(expectsAnswer({ type: 'FILE_CHUNK', id: 'c' })).toBe(true);
    expect(expectsAnswer({ type: 'CHAT_DELTA', re: 'a' })).toBe(false);
    expect(expectsAnswer({ type: 'CRON_EVENT' })).toBe(false);
  });
});

describe('isPush', () => {
  const pending = new Set(['mine']);
  const isPending = (re: string) => pending.has(re);

  test('a CHAT_DONE ends our own CHAT but is a push for another device’s', () => {
    expect(isPush({ type: 'CHAT_DONE', re: 'mine' }, isPending)).toBe(false);
    expect(isPush({ type: 'CHAT_DONE', re: 'theirs' }, isPending)).toBe(true);
  });

  test('an ERROR without a pending re is a push', () => {
    expect(isPush({ type: 'ERROR' }, isPending)).toBe(true);
    expect(isPush({ type: 'ERROR', re: 'mine' }, isPending)).toBe(false);
    expect(isPush({ type: 'ERROR', re: 'gone' }, isPending)).toBe(true);
  });

  test('pushes are pushes, answers are not', () => {
    expect(isPush({ type: 'CRON_EVENT' }, isPending)).toBe(true);
    expect(isPush({ type: 'COMPROMISED' }, isPending)).toBe(true);
    expect(isPush({ type: 'OK', re: 'mine' }, isPending)).toBe(false);
    expect(isPush({ type: 'FILE_DATA', re: 'mine' }, isPending)).toBe(false);
  });
});
