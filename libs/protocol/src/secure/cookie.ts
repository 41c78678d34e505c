/**
 * The WireGuard-style DoS defence (device/cookie.go) on HMAC-SHA256 and AES-256-GCM.
 *
 * mac1 proves the sender knows the responder's identity (its static public key, or the local key): it
 * lets the responder drop random garbage without any DH. mac2 proves the sender can receive at its
 * claimed address: while under load the responder answers initiations without a valid mac2 with a
 * small encrypted cookie instead of doing the handshake's DH work.
 */
import { createHash, randomBytes } from 'node:crypto';
import { aeadOpen, aeadSeal, hmacSha256 } from '@clawchat/crypto';
import { COOKIE_SECRET_LIFETIME_MS, MAC_SIZE } from './constants';

const MAC1_LABEL = Buffer.from('mac1----');
const COOKIE_LABEL = Buffer.from('cookie--');

export function mac1Key(responderIdentity: Buffer): Buffer {
  return createHash('sha256').update(MAC1_LABEL).update(responderIdentity).digest();
}

export function cookieKey(responderIdentity: Buffer): Buffer {
  return createHash('sha256').update(COOKIE_LABEL).update(responderIdentity).digest();
}

export function mac(key: Buffer, data: Buffer): Buffer {
  return hmacSha256(key, data).subarray(0, MAC_SIZE);
}

function equal(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Responder side: checks MACs and makes cookies bound to the sender's address. */
export class CookieChecker {
  private readonly mac1K: Buffer;
  private readonly cookieK: Buffer;
  private secret = randomBytes(32);
  private secretBorn: number;

  constructor(responderIdentity: Buffer, now: number) {
    this.mac1K = mac1Key(responderIdentity);
    this.cookieK = cookieKey(responderIdentity);
    this.secretBorn = now;
  }

  checkMac1(beforeMac1: Buffer, mac1: Buffer): boolean {
    return equal(mac(this.mac1K, beforeMac1), mac1);
  }

  checkMac2(beforeMac2: Buffer, mac2: Buffer, address: string, now: number): boolean {
    return equal(mac(this.cookieFor(address, now), beforeMac2), mac2);
  }

  /** An encrypted cookie reply body: nonce + AES-GCM(cookie) with the initiation's mac1 as AD. */
  makeReply(mac1: Buffer, address: string, now: number): { nonce: Buffer; sealed: Buffer } {
    const nonce = randomBytes(12);
    return { nonce, sealed: aeadSeal(this.cookieK, nonce, this.cookieFor(address, now), mac1) };
  }

  private cookieFor(address: string, now: number): Buffer {
    if (now - this.secretBorn >= COOKIE_SECRET_LIFETIME_MS) {
      this.secret = randomBytes(32);
      this.secretBorn = now;
    }
    return mac(this.secret, Buffer.from(address));
  }
}

/** Initiator side: adds mac1 always and mac2 when it holds a fresh cookie. */
export class CookieGenerator {
  private readonly mac1K: Buffer;
  private readonly cookieK: Buffer;
  private cookie: Buffer | undefined;
  private cookieAt = 0;
  private lastMac1: Buffer | undefined;

  constructor(responderIdentity: Buffer) {
    this.mac1K = mac1Key(responderIdentity);
    this.cookieK = cookieKey(responderIdentity);
  }

  /** Appends mac1 and mac2 to a handshake message body. */
  seal(body: Buffer, now: number): Buffer {
    const mac1 = mac(this.mac1K, body);
    this.lastMac1 = mac1;
    const withMac1 = Buffer.concat([body, mac1]);
    const fresh = this.cookie && now - this.cookieAt < COOKIE_SECRET_LIFETIME_MS - 10_000;
    const mac2 = fresh ? mac(this.cookie as Buffer, withMac1) : Buffer.alloc(MAC_SIZE);
    return Buffer.concat([withMac1, mac2]);
  }

  /** Accepts a cookie reply to our last message; false if it does not decrypt. */
  consumeReply(nonce: Buffer, sealed: Buffer, now: number): boolean {
    if (!this.lastMac1) return false;
    const cookie = aeadOpen(this.cookieK, nonce, sealed, this.lastMac1);
    if (!cookie) return false;
    this.cookie = cookie;
    this.cookieAt = now;
    return true;
  }
}
