// Public API of @clawchat/security-file: the .sec credential, the bootstrap key, the issuer policy.
export * from './constants';
export { SecError, BootstrapKeyError, type SecErrorCode, type BootstrapKeyErrorCode } from './errors';
export {
  generateBootstrapKey,
  deriveSecKey,
  bootstrapKeyKind,
  validateBootstrapKey,
  normalizeBootstrapKey,
  type BootstrapKeyKind,
} from './bootstrap-key';
export { type SecBody, type RelayEndpoint, isSecBody, findSecBodyProblem } from './sec-body';
export { sealSec, openSec, readSecHeader, type SecHeader } from './sec-format';
export { type Ticket, type TicketSecret, newTicketSecret } from './ticket';
export {
  SecIssuer,
  isTicketLookupError,
  type SecIssuerOptions,
  type SecIssuerState,
  type IssuerAction,
  type IssuerWriteAction,
  type TicketLookup,
  type TicketLookupError,
  type TicketRejection,
} from './issuer';
export {
  secBodyForTicket,
  currentSecPath,
  writeSecFile,
  readSecFile,
  readSecFileHeader,
  resolveBootstrapKey,
  type ResolvedBootstrapKey,
  type BootstrapKeySource,
} from './sec-file';
