// Public API of @clawchat/protocol: the message catalogue, the reliable connection, the secure session
// and its endpoints, and the node:dgram adapter.
export * from './messages';
export * from './transport/constants';
export { ReliableConnection, CloseCode, type ConnectionEvent, type ConnectionOptions, type ConnectionStats } from './transport/connection';
export * as secureConstants from './secure/constants';
export { PacketType, CredentialKind, CLIENT_PATTERN, LOCAL_PATTERN, PROTOCOL_VERSION } from './secure/constants';
export { SecureSession, addressKey, type Address, type Datagram, type SessionEvent, type SessionStatus, type SessionTimers } from './secure/session';
export {
  ResponderEndpoint,
  InitiatorEndpoint,
  IndexTable,
  type ResponderPolicy,
  type Admission,
  type ResponderEvent,
  type InitiatorEvent,
  type PeerHello,
  type DropReason,
  type ResponderOptions,
  type InitiatorOptions,
} from './secure/endpoint';
export { streamClassFor, localStreamId, splitLocalStreamId } from './link/streams';
