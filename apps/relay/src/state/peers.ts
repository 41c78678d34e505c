/**
 * Known peers: devices that completed a ticket handshake. A device is its static public key; for each
 * one the relay keeps the last few resumption credentials (id + PSK) it issued, until the device is
 * revoked. A resumption handshake that presents the device's newest credential is handed a new one (the
 * id travels in clear, so a fixed one would link the device's sessions across networks), and the oldest
 * falls out of the window.
 *
 * Stored as JSON, written atomically and synchronously with mode 0600 (it holds PSKs).
 */
import path from 'node:path';
import { removeStaleTempFilesSync, writeFileAtomicSync } from '@clawchat/atomic-file';
import { fingerprint } from './identity';
import { DamagedStateError, readStateFile } from './state-file';

/**
 * How many resumption credentials stay valid per device. More than one because a device's programs
 * share one credential file and a running program holds the one it connected with: the TUI keeps its
 * own while a script rotates the file's. A credential that is used again is kept as if new (see
 * `rotate`), so a client that keeps failing before it can save its new credential (crash, network gone
 * right after the handshake) never loses the one it holds. Programs that connect together do not eat
 * the window: only a handshake that presents the newest credential rotates (`shouldRotate`).
 */
export const RESUMPTION_CREDENTIALS_KEPT = 4;

/**
 * A handshake that presents an older credential than the newest rotates only once the newest has gone
 * unused this long: its holder most likely never saved it (killed right after the handshake), and the
 * device should not repeat one id forever. Before that, the newest may still be on its way to the
 * device's credential file while other programs of the device connect with the one before.
 */
export const NEWEST_UNSAVED_GRACE_MS = 5 * 60_000;

/** Whether a handshake presenting `presentedId` should be handed a new credential (see above). */
export function shouldRotate(peer: Peer, presentedId: string, now: number): boolean {
  const newest = peer.credentials[peer.credentials.length - 1];
  return newest.id === presentedId || newest.issuedAt + NEWEST_UNSAVED_GRACE_MS <= now;
}

/** One resumption credential: the 16-byte id (base64url) a device sends in clear, and its PSK (base64). */
export interface ResumptionCredential {
  id: string;
  psk: string;
  issuedAt: number;
}

export interface Peer {
  deviceName: string;
  fingerprint: string;
  /** The device's static X25519 public key, base64: what identifies the device. */
  publicKey: string;
  /** Valid credentials, least recently issued or used first; at most RESUMPTION_CREDENTIALS_KEPT. */
  credentials: ResumptionCredential[];
  firstSeen: number;
  lastSeen: number;
}

const FILE = 'peers.json';
/**
 * File format. v1 (before rotation): one `resumptionId`/`resumptionPsk` per device. v2: `credentials`.
 * A v2 file still carries each device's newest credential as `resumptionId`/`resumptionPsk`, so a
 * relay rolled back to a v1 version keeps every device (with that credential) instead of none.
 */
const VERSION = 2;

const CREDENTIAL_ID_BYTES = 16;
const PSK_BYTES = 32;

export class PeerStore {
  /** Device records by public key (base64). */
  private readonly devices = new Map<string, Peer>();
  /** Every valid resumption id (base64url) → its device. */
  private readonly byId = new Map<string, Peer>();
  private readonly file: string;

  constructor(securityDir: string) {
    this.file = path.join(securityDir, FILE);
    removeStaleTempFilesSync(this.file); // a write cut short by a crash
    const parsed = readStateFile(this.file);
    if (parsed === undefined) return;
    for (const peer of this.parse(parsed)) {
      // One record per device key (a hand-merged or damaged file may repeat one): keep all its credentials.
      const same = this.devices.get(peer.publicKey);
      if (same) {
        same.credentials = [...same.credentials, ...peer.credentials].slice(-RESUMPTION_CREDENTIALS_KEPT);
        same.lastSeen = Math.max(same.lastSeen, peer.lastSeen);
        same.firstSeen = Math.min(same.firstSeen, peer.firstSeen);
      } else {
        this.devices.set(peer.publicKey, peer);
      }
    }
    for (const peer of this.devices.values()) this.index(peer);
  }

  /** The file's devices, migrated from v1 when needed; anything malformed is a DamagedStateError naming only the file. */
  private parse(parsed: unknown): Peer[] {
    const damaged = (why: string) => new DamagedStateError(`${this.file} is damaged (${why})`);
    if (!isObject(parsed) || !Array.isArray(parsed.peers)) throw damaged('no list of peers');
    const version = parsed.v ?? 1;
    if (version !== 1 && version !== VERSION) throw damaged(`unknown format version; a newer clawchat-relay wrote it`);
    return parsed.peers.map((raw: unknown, i: number) => {
      const peer = version === 1 ? fromV1(raw) : fromV2(raw);
      if (!peer) throw damaged(`device ${i + 1} of ${(parsed.peers as unknown[]).length} is malformed`);
      return peer;
    });
  }

  private index(peer: Peer): void {
    for (const c of peer.credentials) this.byId.set(c.id, peer);
  }

  private unindex(peer: Peer): void {
    for (const c of peer.credentials) if (this.byId.get(c.id) === peer) this.byId.delete(c.id);
  }

  /** The device a resumption id belongs to, with that id's PSK; undefined for an unknown or dropped id. */
  byResumptionId(id: Buffer): { peer: Peer; psk: Buffer } | undefined {
    const key = id.toString('base64url');
    const peer = this.byId.get(key);
    const credential = peer?.credentials.find((c) => c.id === key);
    return peer && credential ? { peer, psk: Buffer.from(credential.psk, 'base64') } : undefined;
  }

  /**
   * Whether this record is still the device's live one: false once it was revoked, or replaced because
   * the device loaded a new .sec (both make its old credentials worthless).
   */
  isCurrent(peer: Peer): boolean {
    return this.devices.get(peer.publicKey) === peer;
  }

  /** Whether a device with this public key (base64) is registered, under whatever record. */
  knows(publicKey: string): boolean {
    return this.devices.has(publicKey);
  }

  list(): Peer[] {
    return [...this.devices.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /**
   * A device's first credential, from a ticket handshake. A device that loads a new .sec starts over:
   * its old record and every credential in it are dropped. On disk before this returns.
   */
  add(deviceName: string, publicKey: Buffer, resumptionId: Buffer, resumptionPsk: Buffer, now: number): Peer {
    const peer: Peer = {
      deviceName,
      fingerprint: fingerprint(publicKey),
      publicKey: publicKey.toString('base64'),
      credentials: [{ id: resumptionId.toString('base64url'), psk: resumptionPsk.toString('base64'), issuedAt: now }],
      firstSeen: now,
      lastSeen: now,
    };
    const old = this.devices.get(peer.publicKey);
    this.devices.set(peer.publicKey, peer);
    try {
      this.saveNow();
    } catch (err) {
      if (old) this.devices.set(old.publicKey, old);
      else this.devices.delete(peer.publicKey);
      throw err;
    }
    if (old) this.unindex(old);
    this.index(peer);
    return peer;
  }

  /**
   * A resumption handshake with `usedId` was confirmed: `newId` with this handshake's PSK becomes the
   * device's newest credential. The used one moves up too (it is proven to be in the device's hands,
   * and its holder may not have saved the new one yet); whatever falls beyond RESUMPTION_CREDENTIALS_KEPT
   * is forgotten. On disk before this returns, and only then changed in memory: the client learns that
   * the new credential is good only from the relay's first message, which cannot leave before this
   * write, so a crash can never leave the client holding an id the relay forgot. Throws when the
   * write fails (nothing changes then).
   */
  rotate(peer: Peer, usedId: Buffer, newId: Buffer, newPsk: Buffer, now: number): void {
    const used = usedId.toString('base64url');
    const issued: ResumptionCredential = { id: newId.toString('base64url'), psk: newPsk.toString('base64'), issuedAt: now };
    const before = { credentials: peer.credentials, lastSeen: peer.lastSeen };
    const usedCredential = peer.credentials.filter((c) => c.id === used);
    peer.credentials = [...peer.credentials.filter((c) => c.id !== used), ...usedCredential, issued].slice(-RESUMPTION_CREDENTIALS_KEPT);
    peer.lastSeen = now;
    try {
      this.saveNow();
    } catch (err) {
      peer.credentials = before.credentials;
      peer.lastSeen = before.lastSeen;
      throw err;
    }
    for (const c of before.credentials) if (this.byId.get(c.id) === peer) this.byId.delete(c.id);
    this.index(peer);
  }

  /** A resumption that kept its credential (no rotation): only `lastSeen` changes, saved with the next write. */
  seen(peer: Peer, now: number): void {
    peer.lastSeen = Math.max(peer.lastSeen, now);
  }

  /** Peers matching a device name or fingerprint (prefix, with or without colons). */
  match(target: string): Peer[] {
    const t = target.toLowerCase().replace(/:/g, '');
    return this.list().filter((p) => p.deviceName.toLowerCase() === target.toLowerCase() || (t.length >= 4 && p.fingerprint.replace(/:/g, '').startsWith(t)));
  }

  /** Revocation: the devices and every credential they hold are gone, on disk before this returns. */
  remove(peers: Peer[]): void {
    for (const p of peers) {
      const live = this.devices.get(p.publicKey);
      if (!live) continue;
      this.devices.delete(p.publicKey);
      this.unindex(live);
    }
    this.saveNow();
  }

  /**
   * Every write is synchronous and whole (temp, fsync, rename) within one turn of the event loop, so
   * two writes can never interleave: an older snapshot cannot land after a newer one (which is how a
   * revoked peer could come back on the next start). It costs one fsync per resumption handshake; that
   * is the price of never handing a client a credential the relay could forget in a crash.
   */
  private saveNow(): void {
    const peers = [...this.devices.values()].map((p) => {
      const newest = p.credentials[p.credentials.length - 1];
      return { ...p, resumptionId: newest.id, resumptionPsk: newest.psk };
    });
    writeFileAtomicSync(this.file, JSON.stringify({ v: VERSION, peers }, null, 2) + '\n');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Canonical base64 / base64url of exactly `bytes` bytes (what this file is written with). */
function isEncoded(v: unknown, bytes: number, encoding: 'base64' | 'base64url'): v is string {
  return typeof v === 'string' && Buffer.from(v, encoding).length === bytes && Buffer.from(v, encoding).toString(encoding) === v;
}

function isCredential(v: unknown): v is ResumptionCredential {
  return isObject(v) && isEncoded(v.id, CREDENTIAL_ID_BYTES, 'base64url') && isEncoded(v.psk, PSK_BYTES, 'base64') && isTime(v.issuedAt);
}

/** The fields every version shares; undefined when one is missing or of the wrong type. */
function deviceFields(v: unknown): Omit<Peer, 'credentials'> | undefined {
  if (!isObject(v) || typeof v.deviceName !== 'string' || !isEncoded(v.publicKey, 32, 'base64') || !isTime(v.firstSeen) || !isTime(v.lastSeen)) return undefined;
  // The fingerprint is derived from the key, so it is derived again rather than trusted.
  return { deviceName: v.deviceName, fingerprint: fingerprint(Buffer.from(v.publicKey, 'base64')), publicKey: v.publicKey, firstSeen: v.firstSeen, lastSeen: v.lastSeen };
}

/** v1: one credential per device, which becomes the device's only one. */
function fromV1(v: unknown): Peer | undefined {
  const fields = deviceFields(v);
  if (!fields || !isObject(v) || !isEncoded(v.resumptionId, CREDENTIAL_ID_BYTES, 'base64url') || !isEncoded(v.resumptionPsk, PSK_BYTES, 'base64')) return undefined;
  return { ...fields, credentials: [{ id: v.resumptionId, psk: v.resumptionPsk, issuedAt: fields.firstSeen }] };
}

function fromV2(v: unknown): Peer | undefined {
  const fields = deviceFields(v);
  if (!fields || !isObject(v) || !Array.isArray(v.credentials) || v.credentials.length === 0 || !v.credentials.every(isCredential)) return undefined;
  return { ...fields, credentials: (v.credentials as ResumptionCredential[]).map(({ id, psk, issuedAt }) => ({ id, psk, issuedAt })).slice(-RESUMPTION_CREDENTIALS_KEPT) };
}
