/** Messages workers send back to the orchestrator, one union per role family. */
import type { ConnectionStats } from '@clawchat/protocol';

export interface Ready {
  type: 'ready';
  port: number;
}

export interface ThroughputResult {
  type: 'result';
  bytes: number;
  elapsedMs: number;
  datagrams: number;
  /** The receiving session's counters at the end of the window (session runs only). */
  connection?: ConnectionStats;
}

export interface SenderStats {
  type: 'senderStats';
  datagramsSent: number;
  sendErrors: number;
  connection?: ConnectionStats;
}

export type ThroughputMessage = Ready | ThroughputResult | SenderStats;

export interface HandshakeResponderStats {
  type: 'responderStats';
  confirmed: number;
  drops: Record<string, number>;
}

export interface HandshakeInitiatorResult {
  type: 'result';
  completed: number;
  elapsedMs: number;
  failed: number;
}

export type HandshakeMessage = Ready | HandshakeResponderStats | HandshakeInitiatorResult;

export interface DhResult {
  type: 'result';
  /** The baseline: node:crypto diffieHellman on KeyObjects imported once (the curve operation alone). */
  rawDhPerSecond: number;
  /** The library's x25519() with the same key every call (its import cached, like the relay's static key). */
  dhPerSecond: number;
  /** The library's x25519() with a new private-key buffer every call (an ephemeral key's first DH). */
  freshKeyDhPerSecond: number;
  /** The library's generateX25519KeyPair(). */
  keygenPerSecond: number;
  /** aeadSealPacketInPlace / aeadOpenPacket of one full 1,200-byte data packet, one core (optional: older saved results lack it). */
  sealPerSecond?: number;
  openPerSecond?: number;
}

export interface MemorySnapshot {
  type: 'memory';
  sessions: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface SessionsReached {
  type: 'reached';
  live: number;
  confirmedTotal: number;
}

export interface Opened {
  type: 'opened';
  count: number;
  failed: number;
}

export type MemoryMessage = Ready | MemorySnapshot | SessionsReached | Opened | DhResult;
