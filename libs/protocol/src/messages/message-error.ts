import { ProtocolError } from './error-codes';

/**
 * A message that cannot be encoded or decoded: malformed bytes, unknown type, a field missing, extra,
 * of the wrong type or out of its limits. Always code BAD_REQUEST, and the message names the type and
 * field, in one line, so the ERROR sent back tells the peer exactly what it got wrong.
 */
export class MessageError extends ProtocolError {
  constructor(reason: string) {
    super('BAD_REQUEST', reason);
    this.name = 'MessageError';
  }
}
