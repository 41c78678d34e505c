/**
 * The relay-like responder and client-like initiator the benchmarks drive, configured exactly like
 * the real client ↔ relay path (IKpsk2, ticket credential), as e2e/src/support/transport-pair.ts does.
 */
import type { X25519KeyPair } from '@clawchat/crypto';
import { CLIENT_PATTERN, CredentialKind, InitiatorEndpoint, ResponderEndpoint, type Address } from '@clawchat/protocol';
import { monotonicNow } from '@clawchat/protocol/node';
import type { Credentials } from './credentials';

export function benchResponder(c: Credentials, o: { alwaysUnderLoad?: boolean } = {}): ResponderEndpoint {
  return new ResponderEndpoint({
    pattern: CLIENT_PATTERN,
    identity: c.relayStatic.publicKey,
    localStatic: c.relayStatic,
    policy: {
      pskFor: (kind, id) => (kind === CredentialKind.TICKET && id.equals(c.ticketId) ? c.psk : undefined),
      // Every initiator shares the one ticket; a real relay would hand out a fresh resumption id here.
      admit: () => ({ resumptionId: Buffer.alloc(16) }),
      confirmed: () => undefined,
    },
    now: monotonicNow(),
    alwaysUnderLoad: o.alwaysUnderLoad,
  });
}

export function benchInitiator(c: Credentials, remote: Address, localStatic: X25519KeyPair): InitiatorEndpoint {
  return new InitiatorEndpoint({
    pattern: CLIENT_PATTERN,
    remote,
    identity: c.relayStatic.publicKey,
    kind: CredentialKind.TICKET,
    credentialId: c.ticketId,
    psk: c.psk,
    deviceName: 'bench',
    localStatic,
    remoteStatic: c.relayStatic.publicKey,
    now: monotonicNow(),
  });
}

/**
 * A loopback source address in 127.<block>.0.0/16 (Linux routes all of 127/8 to lo), so many sockets
 * can look like many clients to the responder's per-address limits.
 */
export function loopbackAddress(block: number, i: number): string {
  return `127.${block}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}
