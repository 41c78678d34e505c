/**
 * The handshake baseline: X25519 operations per second on one core. The baseline proper is node:crypto's
 * diffieHellman on KeyObjects imported once (the curve operation alone). Beside it, the library's
 * x25519() twice: with a key it has seen before (the relay's static key: its import is cached) and with
 * a fresh key buffer every call (an ephemeral key's first use: the raw key is imported first).
 */
import { diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { aeadOpenPacket, aeadSealPacketInPlace, generateX25519KeyPair, x25519 } from '@clawchat/crypto';
import { DATA_HEADER_SIZE } from '@clawchat/protocol';
import { DATAGRAM_SIZE } from '../constants';
import { ratePerSecond } from '../../shared/stats';
import { reply } from '../../shared/worker-side';

export interface DhConfig {
  windowMs: number;
}

function timed(windowMs: number, op: () => void): number {
  for (let i = 0; i < 200; i++) op(); // warm-up: JIT and OpenSSL's first-use initialisation
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < windowMs) {
    for (let i = 0; i < 50; i++) op();
    n += 50;
    now = performance.now();
  }
  return ratePerSecond(n, now - start);
}

export async function runDhBaseline(c: DhConfig): Promise<void> {
  const ka = generateKeyPairSync('x25519');
  const kb = generateKeyPairSync('x25519');
  const rawDhPerSecond = timed(c.windowMs, () => diffieHellman({ privateKey: ka.privateKey, publicKey: kb.publicKey }));
  const a = generateX25519KeyPair();
  const b = generateX25519KeyPair();
  const dhPerSecond = timed(c.windowMs / 2, () => x25519(a.privateKey, b.publicKey));
  const freshKeyDhPerSecond = timed(c.windowMs / 2, () => x25519(Buffer.from(a.privateKey), b.publicKey));
  const keygenPerSecond = timed(c.windowMs / 2, () => generateX25519KeyPair());
  // The floor of a data packet's cost: sealing and opening one full datagram, nothing else.
  const key = randomBytes(32);
  const packet = randomBytes(DATAGRAM_SIZE);
  let counter = 0;
  const sealPerSecond = timed(c.windowMs / 2, () => aeadSealPacketInPlace(key, counter++, packet, DATA_HEADER_SIZE));
  const sealed = Buffer.from(packet);
  const sealedCounter = counter - 1;
  const openPerSecond = timed(c.windowMs / 2, () => {
    if (!aeadOpenPacket(key, sealedCounter, sealed, DATA_HEADER_SIZE)) throw new Error('bench: a sealed packet did not open');
  });
  await reply({ type: 'result', dhPerSecond, freshKeyDhPerSecond, keygenPerSecond, rawDhPerSecond, sealPerSecond, openPerSecond });
  process.exit(0);
}
