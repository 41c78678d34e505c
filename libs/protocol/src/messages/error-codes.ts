/**
 * Error codes of the message catalogue (spec/messages.md). Every ERROR message carries one of these,
 * and every library that can fail a request reports its failure with one of them so the server can
 * turn it into an ERROR without translation tables.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'EXISTS',
  'OUTSIDE_SANDBOX',
  'TOO_LARGE',
  'CHECKSUM_MISMATCH',
  'BUSY',
  'LLM_UNREACHABLE',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
  'TIMEOUT',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error that already knows which catalogue code it maps to and carries a message a person can act on. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
