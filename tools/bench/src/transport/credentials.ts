/** One relay identity and one ticket for a run, made by the orchestrator and handed to every worker. */
import { randomBytes } from 'node:crypto';
import { generateX25519KeyPair, type X25519KeyPair } from '@clawchat/crypto';

export interface CredentialsJson {
  relayPublic: string;
  relayPrivate: string;
  ticketId: string;
  psk: string;
}

export interface Credentials {
  relayStatic: X25519KeyPair;
  ticketId: Buffer;
  psk: Buffer;
}

export function newCredentials(): CredentialsJson {
  const relay = generateX25519KeyPair();
  return {
    relayPublic: relay.publicKey.toString('hex'),
    relayPrivate: relay.privateKey.toString('hex'),
    ticketId: randomBytes(16).toString('hex'),
    psk: randomBytes(32).toString('hex'),
  };
}

export function decodeCredentials(c: CredentialsJson): Credentials {
  return {
    relayStatic: { publicKey: Buffer.from(c.relayPublic, 'hex'), privateKey: Buffer.from(c.relayPrivate, 'hex') },
    ticketId: Buffer.from(c.ticketId, 'hex'),
    psk: Buffer.from(c.psk, 'hex'),
  };
}
