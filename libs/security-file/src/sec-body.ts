// The sealed body of a .sec file, and its strict validation (a body is trusted only after this).
import {
  PSK_BYTES,
  RELAY_PUBLIC_KEY_BYTES,
  SEC_BODY_VERSION,
  TICKET_ID_BYTES,
  TRANSPORT_PROTOCOL_VERSION,
} from './constants';

export interface RelayEndpoint {
  host: string;
  port: number;
}

export interface SecBody {
  v: 1;
  /** Where the client should send its handshake, in order of preference. */
  relays: RelayEndpoint[];
  /** Relay static X25519 public key, base64 (32 bytes). */
  relayPublicKey: string;
  /** Ticket id, base64url (16 random bytes); travels in clear in the handshake initiation. */
  ticketId: string;
  /** Ticket pre-shared key, base64 (32 bytes). */
  psk: string;
  issuedAt: number;
  expiresAt: number;
  protocol: 1;
}

const BODY_KEYS = ['v', 'relays', 'relayPublicKey', 'ticketId', 'psk', 'issuedAt', 'expiresAt', 'protocol'] as const;
const MAX_RELAYS = 16;
const MAX_HOST_LENGTH = 253; // longest DNS name

/** Returns a description of the first problem found, or null when the body is valid. */
export function findSecBodyProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'body is not an object';
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(BODY_KEYS as readonly string[]).includes(key)) return `unexpected field "${key}"`;
  }
  if (body.v !== SEC_BODY_VERSION) return 'field "v" must be 1';
  if (body.protocol !== TRANSPORT_PROTOCOL_VERSION) return 'field "protocol" must be 1';
  const relaysProblem = findRelaysProblem(body.relays);
  if (relaysProblem) return relaysProblem;
  if (!isEncodedBytes(body.relayPublicKey, 'base64', RELAY_PUBLIC_KEY_BYTES)) return 'relayPublicKey must be 32 bytes of base64';
  if (!isEncodedBytes(body.ticketId, 'base64url', TICKET_ID_BYTES)) return 'ticketId must be 16 bytes of base64url';
  if (!isEncodedBytes(body.psk, 'base64', PSK_BYTES)) return 'psk must be 32 bytes of base64';
  if (!isTimestamp(body.issuedAt)) return 'issuedAt must be a timestamp in ms';
  if (!isTimestamp(body.expiresAt)) return 'expiresAt must be a timestamp in ms';
  if ((body.expiresAt as number) <= (body.issuedAt as number)) return 'expiresAt must be after issuedAt';
  return null;
}

export function isSecBody(value: unknown): value is SecBody {
  return findSecBodyProblem(value) === null;
}

function findRelaysProblem(relays: unknown): string | null {
  if (!Array.isArray(relays) || relays.length === 0 || relays.length > MAX_RELAYS) {
    return `relays must list 1 to ${MAX_RELAYS} endpoints`;
  }
  for (const relay of relays) {
    if (typeof relay !== 'object' || relay === null || Array.isArray(relay)) return 'relay endpoint is not an object';
    const { host, port, ...rest } = relay as Record<string, unknown>;
    if (Object.keys(rest).length > 0) return 'relay endpoint has unexpected fields';
    if (typeof host !== 'string' || host.length === 0 || host.length > MAX_HOST_LENGTH || /\s/.test(host)) {
      return 'relay host must be a non-empty name or address';
    }
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      return 'relay port must be an integer from 1 to 65535';
    }
  }
  return null;
}

/** Strict: the text must be the canonical encoding of exactly `bytes` bytes (no padding games, no junk). */
function isEncodedBytes(value: unknown, encoding: 'base64' | 'base64url', bytes: number): boolean {
  if (typeof value !== 'string') return false;
  const decoded = Buffer.from(value, encoding);
  return decoded.length === bytes && decoded.toString(encoding) === value;
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
