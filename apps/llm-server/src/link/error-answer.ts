/**
 * Turning a failure into the ERROR a person reads. ProtocolErrors already carry a catalogue code and
 * an actionable message (the libraries make sure provider messages hold no key); anything else is a
 * bug or an environment failure, reported as INTERNAL without internals and logged.
 */
import { MAX_REASON_CHARS, ProtocolError, type ErrorMessage } from '@clawchat/protocol';

export const INTERNAL_MESSAGE = 'The LLM server hit an unexpected error; the server log has the details. Try again.';

export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

export function errorAnswer(re: string | undefined, error: unknown): ErrorMessage {
  if (isProtocolError(error)) {
    const message = (error.message.replace(/[\r\n]+/g, ' ').trim() || error.code).slice(0, MAX_REASON_CHARS);
    return re === undefined ? { type: 'ERROR', code: error.code, message } : { type: 'ERROR', re, code: error.code, message };
  }
  return re === undefined ? { type: 'ERROR', code: 'INTERNAL', message: INTERNAL_MESSAGE } : { type: 'ERROR', re, code: 'INTERNAL', message: INTERNAL_MESSAGE };
}
