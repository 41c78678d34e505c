/**
 * Known peers: devices that completed a ticket handshake and hold a resumption credential. The relay
 * remembers each one's static public key, resumption id and PSK until it is revoked. Stored as JSON,
 * written atomically with mode 0600 (it holds PSKs).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { removeStaleTempFilesSync, writeFileAtomic, writeFileAtomicSync } from '@clawchat/atomic-file';
import { fingerprint } from './identity';

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

export class PeerStore {
  private readonly peers = new Map<string, Peer>();
  private readonly file: string;

  constructor(securityDir: string) {
    this.file = path.join(securityDir, FILE);
    removeStaleTempFilesSync(this.file); // a write cut short by a crash
    let raw: string | undefined;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (raw !== undefined) {
      const parsed = JSON.parse(raw) as { peers: Peer[] };
      for (const p of parsed.peers) this.peers.set(p.resumptionId, p);
    }
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
    this.save();
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

  private saveNow(): void {
    writeFileAtomicSync(this.file, JSON.stringify({ v: 1, peers: [...this.peers.values()] }, null, 2) + '\n');
  }

  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  /**
   * `lastSeen` updates happen off the packet path (an fsync would stall every session): coalesced
   * into one atomic write at a time, always of the newest state.
   */
  private save(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing
      .then(() => {
        this.dirty = false;
        return writeFileAtomic(this.file, JSON.stringify({ v: 1, peers: [...this.peers.values()] }, null, 2) + '\n');
      })
      .catch((err: Error) => this.onError?.(err));
  }

  /** Resolves when every change so far is on disk (shutdown, tests). */
  flushed(): Promise<void> {
    return this.writing;
  }

  onError: ((err: Error) => void) | undefined;
}
