/**
 * Typed access to OK answers. `request` resolves with the answer as it came (`{type: 'OK', re, result}`);
 * the requester knows which request it was and narrows `result` with the catalogue's own validator
 * (libs/protocol ok-results.ts), so a malformed answer fails here with a clear line, not deep in the UI.
 */
import { decodeOkResult, type OkMessage, type OkRequestType, type OkResultMap } from '@clawchat/protocol';
import { makeRequestError } from './request-error';
import { errorMessage, type ClientConnection, type Message, type RequestMessage } from './types';

export function okResult<T extends OkRequestType>(type: T, answer: Message): OkResultMap[T] {
  if (answer.type !== 'OK') throw makeRequestError('INTERNAL', `the server answered ${type} with ${answer.type} instead of OK`);
  try {
    return decodeOkResult(type, answer as unknown as OkMessage<object>);
  } catch (err) {
    throw makeRequestError('INTERNAL', `the server's answer to ${type} is malformed (${errorMessage(err)})`);
  }
}

/** Sends a request that is answered with OK and returns its validated result. */
export async function requestOk<T extends OkRequestType>(
  conn: ClientConnection,
  msg: RequestMessage & { type: T },
): Promise<OkResultMap[T]> {
  return okResult(msg.type, await conn.request(msg));
}
