/**
 * The two handshake messages of a session, built on the Noise HandshakeState of @clawchat/crypto.
 *
 * Client ↔ relay uses IKpsk2: the initiator knows the relay's static key (from the .sec) and proves its
 * own static key; the PSK (the ticket's, or the resumption PSK) is mixed in last, so a stolen .sec
 * without the bootstrap key or a replayed initiation gets nowhere. The relay ↔ LLM server link uses
 * NNpsk0 keyed by the local key. The first message carries a TAI64N timestamp (replay protection) and
 * the device name; the second carries the resumption id the relay assigns.
 */
import { HandshakeState, hkdfSha256, type KeyPair } from '@clawchat/crypto';
import {
  CLIENT_PATTERN,
  CREDENTIAL_ID_SIZE,
  DEVICE_NAME_MAX,
  INIT_PAYLOAD_SIZE,
  LOCAL_PATTERN,
  PROLOGUE,
  RESP_PAYLOAD_SIZE,
  TIMESTAMP_SIZE,
} from './constants';
import { buildInitHeader, buildRespHeader, type HandshakeInit, type HandshakeResp } from './wire';

export type HandshakePatternName = typeof CLIENT_PATTERN | typeof LOCAL_PATTERN;

/** Size of the Noise part of message 1 and 2 for each pattern (fixed: payloads are padded). */
export function initNoiseSize(pattern: HandshakePatternName): number {
  return pattern === CLIENT_PATTERN ? 32 + 48 + INIT_PAYLOAD_SIZE + 16 : 32 + INIT_PAYLOAD_SIZE + 16;
}

export function respNoiseSize(_pattern: HandshakePatternName): number {
  return 32 + RESP_PAYLOAD_SIZE + 16;
}

/** Keys and secrets a completed handshake yields. */
export interface HandshakeResult {
  sendKey: Buffer;
  receiveKey: Buffer;
  /** Chaining secret for in-band rekeys (never sent; erased as it is replaced). */
  rootKey: Buffer;
  /** Secret both sides derive for later resumption (only used after a ticket handshake). */
  resumptionPsk: Buffer;
  remoteStatic: Buffer | null;
  handshakeHash: Buffer;
}

function finish(state: HandshakeState, initiator: boolean): HandshakeResult {
  const { send, receive } = state.split();
  const sendKey = Buffer.from(send.key as Buffer);
  const receiveKey = Buffer.from(receive.key as Buffer);
  const i2r = initiator ? sendKey : receiveKey;
  const r2i = initiator ? receiveKey : sendKey;
  const hh = state.handshakeHash();
  const secret = Buffer.concat([i2r, r2i]);
  const result: HandshakeResult = {
    sendKey,
    receiveKey,
    rootKey: hkdfSha256(secret, hh, Buffer.from('clawchat rekey root'), 32),
    resumptionPsk: hkdfSha256(secret, hh, Buffer.from('clawchat resumption psk'), 32),
    remoteStatic: state.remoteStaticKey(),
    handshakeHash: hh,
  };
  secret.fill(0);
  send.destroy();
  receive.destroy();
  return result;
}

function initPayload(timestamp: Buffer, deviceName: string): Buffer {
  const payload = Buffer.alloc(INIT_PAYLOAD_SIZE);
  timestamp.copy(payload, 0, 0, TIMESTAMP_SIZE);
  const name = Buffer.from(deviceName, 'utf8').subarray(0, DEVICE_NAME_MAX);
  payload[TIMESTAMP_SIZE] = name.length;
  name.copy(payload, TIMESTAMP_SIZE + 1);
  return payload;
}

export interface InitiationOptions {
  pattern: HandshakePatternName;
  kind: number;
  credentialId: Buffer;
  psk: Buffer;
  senderIndex: number;
  timestamp: Buffer;
  deviceName: string;
  /** IKpsk2: our static key pair and the responder's static public key. */
  localStatic?: KeyPair;
  remoteStatic?: Buffer;
  /**
   * The ephemeral key pair. The initiator keeps it so it can rebuild the exact same handshake state
   * when a forged response has spoiled the first one (the genuine response can then still be read).
   */
  ephemeral?: KeyPair;
}

/** Initiator: message 1 without its MACs (the cookie generator appends them), and the state to finish with. */
export function writeInitiation(o: InitiationOptions): { body: Buffer; state: HandshakeState } {
  const header = buildInitHeader(o.kind, o.senderIndex, o.credentialId);
  const state = new HandshakeState({
    pattern: o.pattern,
    initiator: true,
    prologue: Buffer.concat([PROLOGUE, header]),
    s: o.localStatic,
    e: o.ephemeral,
    rs: o.remoteStatic,
    psks: [o.psk],
  });
  const noise = state.writeMessage(initPayload(o.timestamp, o.deviceName));
  return { body: Buffer.concat([header, noise]), state };
}

/** Initiator: reads message 2; throws NoiseError when it does not authenticate. */
export function readResponse(state: HandshakeState, resp: HandshakeResp): { result: HandshakeResult; resumptionId: Buffer } {
  const payload = state.readMessage(resp.noise);
  if (payload.length !== RESP_PAYLOAD_SIZE) throw new Error('bad response payload');
  return { result: finish(state, true), resumptionId: Buffer.from(payload.subarray(0, CREDENTIAL_ID_SIZE)) };
}

export interface ReadInitiation {
  state: HandshakeState;
  remoteStatic: Buffer | null;
  timestamp: Buffer;
  deviceName: string;
}

/** Responder: reads message 1 with the PSK found from its credential id; throws NoiseError on failure. */
export function readInitiation(
  pattern: HandshakePatternName,
  init: HandshakeInit,
  psk: Buffer,
  localStatic?: KeyPair,
): ReadInitiation {
  const state = new HandshakeState({
    pattern,
    initiator: false,
    prologue: Buffer.concat([PROLOGUE, init.header]),
    s: localStatic,
    psks: [psk],
  });
  const payload = state.readMessage(init.noise);
  if (payload.length !== INIT_PAYLOAD_SIZE) throw new Error('bad initiation payload');
  const nameLength = Math.min(payload[TIMESTAMP_SIZE], DEVICE_NAME_MAX);
  const deviceName = payload
    .subarray(TIMESTAMP_SIZE + 1, TIMESTAMP_SIZE + 1 + nameLength)
    .toString('utf8')
    .replace(/[^\p{L}\p{N} ._-]/gu, '?');
  return {
    state,
    remoteStatic: state.remoteStaticKey(),
    timestamp: Buffer.from(payload.subarray(0, TIMESTAMP_SIZE)),
    deviceName,
  };
}

/** Responder: message 2 without MACs, and the session keys. */
export function writeResponse(
  read: ReadInitiation,
  senderIndex: number,
  receiverIndex: number,
  resumptionId: Buffer,
): { body: Buffer; result: HandshakeResult } {
  const header = buildRespHeader(senderIndex, receiverIndex);
  const payload = Buffer.alloc(RESP_PAYLOAD_SIZE);
  resumptionId.copy(payload, 0, 0, CREDENTIAL_ID_SIZE);
  const noise = read.state.writeMessage(payload);
  return { body: Buffer.concat([header, noise]), result: finish(read.state, false) };
}
