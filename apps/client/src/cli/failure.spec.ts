import { ConnectError } from '../connection/connect-error';
import { makeRequestError } from '../connection/request-error';
import { CONNECTION_LOST } from '../connection/types';
import { exitCodeFor, oneLine } from './failure';
import { UsageError } from './usage-error';

test('exit codes: usage 2, connection and credentials 3, anything the far side refused 1', () => {
  expect(exitCodeFor(new UsageError('x'))).toBe(2);
  expect(exitCodeFor(new ConnectError('TICKET', 'x'))).toBe(3);
  expect(exitCodeFor(makeRequestError(CONNECTION_LOST, 'x'))).toBe(3);
  expect(exitCodeFor(makeRequestError('NOT_FOUND', 'x'))).toBe(1);
  expect(exitCodeFor(new Error('bug'))).toBe(1);
});

test('one line each, the LLM server outage in the fixed wording, local file errors without a stack', () => {
  expect(oneLine(makeRequestError('LLM_UNREACHABLE', 'whatever'))).toBe('[Error: Cannot reach LLM server]');
  expect(oneLine(new ConnectError('SEC_FILE', 'bad\nfile'))).toBe('bad file');
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y'"), { code: 'ENOENT', path: '/x/y' });
  expect(oneLine(enoent)).toBe('no such file or folder: /x/y');
  expect(oneLine(new TypeError('x is undefined'))).toMatch(/^unexpected error: x is undefined \(run with CLAWCHAT_DEBUG=1/);
});
