// Public API of the message catalogue (spec/messages.md): types, codec, validation, request roles.
export * from './constants';
export * from './error-codes';
export { MessageError } from './message-error';
export { newMessageId, isMessageId } from './ids';
export type * from './types';
export { MESSAGE_TYPES, isMessageType, requiresId, requiresRe } from './schema';
export { encodeMessage, decodeMessage, decodeEnvelope, validateMessage } from './codec';
export { OK_REQUEST_TYPES, decodeOkResult, okMessage } from './ok-results';
export { requestKind, expectsAnswer, isPush, type MessageKind } from './request-kind';
