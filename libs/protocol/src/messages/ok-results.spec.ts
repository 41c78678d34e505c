import { decodeMessage, encodeMessage } from './codec';
import { MessageError } from './message-error';
import { decodeOkResult, OK_REQUEST_TYPES, okMessage } from './ok-results';
import { requestKind } from './request-kind';
import { MESSAGE_TYPES } from './schema';
import { OK_RESULT_FIXTURES } from './test-fixtures';
import type { OkMessage, OkRequestType } from './types';

describe('OK results', () => {
  test('every request type answered with OK has a result fixture, and only requests are listed', () => {
    expect([...OK_REQUEST_TYPES].sort()).toEqual(Object.keys(OK_RESULT_FIXTURES).sort());
    for (const type of OK_REQUEST_TYPES) expect(MESSAGE_TYPES).toContain(type);
    for (const type of OK_REQUEST_TYPES) expect(type === 'FILE_CHUNK' || requestKind(type) === 'request').toBe(true);
  });

  test.each(OK_REQUEST_TYPES.map((type) => [type]))('%s: okMessage → encode → decode → decodeOkResult gives the result back', (type) => {
    const result = OK_RESULT_FIXTURES[type];
    const ok = okMessage(type, 'req1', result);
    const decoded = decodeMessage(encodeMessage(ok));
    if (decoded.type !== 'OK') throw new Error('expected OK');
    expect(decodeOkResult(type, decoded)).toEqual(result);
  });

  test('decodeOkResult rejects a result that does not fit the request', () => {
    const ok: OkMessage = { type: 'OK', re: 'a', result: { entries: [], path: 'x' } };
    expect(decodeOkResult('FILE_LIST', ok)).toEqual({ entries: [], path: 'x' });
    expect(() => decodeOkResult('STATUS', ok)).toThrow(MessageError);
    expect(() => decodeOkResult('STATUS', ok)).toThrow(/OK\.result\(STATUS\): unexpected field "entries"/);
    const badEntry: OkMessage = { type: 'OK', re: 'a', result: { path: 'x', entries: [{ name: 'a', kind: 'link', size: 0, mtime: 0 }] } };
    expect(() => decodeOkResult('FILE_LIST', badEntry)).toThrow(/entries\[0\]\.kind: expected one of file, dir/);
    const badCron: OkMessage = { type: 'OK', re: 'a', result: { runId: 'bad id' } };
    expect(() => decodeOkResult('CRON_RUN', badCron)).toThrow(/runId: id may contain only/);
  });

  test('file names from disk may hold any character but NUL-free text rules do not apply', () => {
    const ok: OkMessage = { type: 'OK', re: 'a', result: { path: '', entries: [{ name: 'line\nbreak', kind: 'file', size: 1, mtime: 2 }] } };
    expect(decodeOkResult('FILE_LIST', ok).entries[0]?.name).toBe('line\nbreak');
  });

  test('okMessage refuses a malformed result at the sender and a type that is never answered with OK', () => {
    expect(() => okMessage('FILE_UPLOAD', 'a', { upload: 'u', offset: -1 })).toThrow(/OK\.result\(FILE_UPLOAD\)\.offset: out of range/);
    expect(() => okMessage('CHAT' as OkRequestType, 'a', {} as never)).toThrow(/CHAT is not answered with OK/);
  });
});
