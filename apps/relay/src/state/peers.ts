/**
 * Known peers: devices that completed a ticket handshake and hold a resumption credential. The relay
 * remembers each one's static public key, resumption id and PSK until it is revoked. Stored as JSON,
 * written atomically with mode 0600 (it holds PSKs).
 */
import path from 'node:path';
import { removeStaleTempFilesSync, writeFileAtomicSync } from '@clawchat/atomic-file';
import { fingerprint } from './identity';
import { DamagedStateError, readStateFile } from './state-file';

export interface Peer {
  deviceName: string;
  fingerprint: string;
  publicKey: string;
  resumptionId: string;
  resumptionPsk: string;
  firstSeen: number;
  lastSeen: number;
}

const FILE = 'peers.json';
/** How long a `lastSeen` change may wait to be written: informational only, so a crash may lose it. */
const LAST_SEEN_SAVE_DELAY_MS = 1_000;

export class PeerStore {
  private readonly peers = new Map<string, Peer>();
  private readonly file: string;

  constructor(securityDir: string) {
    this.file = path.join(securityDir, FILE);
    removeStaleTempFilesSync(this.file); // a write cut short by a crash
    const parsed = readStateFile(this.file) as { peers?: unknown } | undefined;
    if (parsed === undefined) return;
    if (!Array.isArray(parsed?.peers)) throw new DamagedStateError(`${this.file} is damaged (no list of peers)`);
    for (const p of parsed.peers as Peer[]) this.peers.set(p.resumptionId, p);
  }

  byResumptionId(id: Buffer): Peer | undefined {
    return this.peers.get(id.toString('base64url'));
  }

  list(): Peer[] {
    return [...this.peers.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  add(deviceName: string, publicKey: Buffer, resumptionId: Buffer, resumptionPsk: Buffer, now: number): Peer {
    // One record per device key: a device that loads a new .sec replaces its old credential.
    for (const [id, p] of this.peers) if (p.publicKey === publicKey.toString('base64')) this.peers.delete(id);
    const peer: Peer = {
      deviceName,
      fingerprint: fingerprint(publicKey),
      publicKey: publicKey.toString('base64'),
      resumptionId: resumptionId.toString('base64url'),
      resumptionPsk: resumptionPsk.toString('base64'),
      firstSeen: now,
      lastSeen: now,
    };
    this.peers.set(peer.resumptionId, peer);
    // A new device and a revocation are rare and must survive a crash right after: write them now.
    this.saveNow();
    return peer;
  }

  touch(peer: Peer, now: number): void {
    peer.lastSeen = now;
    this.saveSoon();
  }

  /** Peers matching a device name or fingerprint (prefix, with or without colons). */
  match(target: string): Peer[] {
    const t = target.toLowerCase().replace(/:/g, '');
    return this.list().filter((p) => p.deviceName.toLowerCase() === target.toLowerCase() || (t.length >= 4 && p.fingerprint.replace(/:/g, '').startsWith(t)));
  }

  remove(peers: Peer[]): void {
    for (const p of peers) this.peers.delete(p.resumptionId);
    this.saveNow();
  }

  /**
   * Every write is synchronous and whole (temp, fsync, rename) within one turn of the event loop, so
   * two writes can never interleave: an older snapshot cannot land after a newer one (which is how a
   * revoked peer could come back on the next start when a background write was still in flight).
   * New devices and revocations are written at once; `lastSeen` updates, which happen on every
   * reconnect, are coalesced into one write a little later, so a reconnect storm costs one fsync per
   * LAST_SEEN_SAVE_DELAY_MS rather than one per handshake.
   */
  private saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    writeFileAtomicSync(this.file, JSON.stringify({ v: 1, peers: [...this.peers.values()] }, null, 2) + '\n');
  }

  private saveTimer: NodeJS.Timeout | undefined;

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.saveOrReport(), LAST_SEEN_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private saveOrReport(): void {
    try {
      this.saveNow();
    } catch (err) {
      this.onError?.(err as Error);
    }
  }

  /** Writes a pending `lastSeen` update now (shutdown, tests); resolves once everything is on disk. */
  flushed(): Promise<void> {
    if (this.saveTimer) this.saveOrReport();
    return Promise.resolve();
  }

  onError: ((err: Error) => void) | undefined;
}
