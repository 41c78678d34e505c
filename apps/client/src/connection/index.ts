// The client's network side: the real ClientConnection and what it needs to start.
export * from './types';
export { RelayConnection, type ConnectTarget, type Credential, type RelayConnectionOptions } from './relay-connection';
export { connectToFirst } from './connect';
export { ConnectError, type ConnectErrorKind } from './connect-error';
export { CredentialStore, clientStateDir, type StoredRelay } from './credential-store';
export { readSec, targetsFromSec, targetFromStored, type RelayOverride } from './sec-target';
export { parseHostPort, relayLabel } from './relay-address';
export { okResult, requestOk } from './ok';
export { makeRequestError } from './request-error';
export { CLIENT_NAME, CLIENT_VERSION } from './constants';
