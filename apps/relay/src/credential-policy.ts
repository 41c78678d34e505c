/**
 * Who may connect: the ResponderPolicy the relay gives its public endpoint. A first connect needs a
 * live .sec ticket; later connects use a resumption credential the relay handed out, bound to the
 * device's static key, and each one is answered with a new credential (see state/peers.ts for how many
 * stay valid). Spent tickets are refused with an authenticated reason (the holder proved it has
 * the .sec, so it may learn why); anything else unknown gets no answer at all.
 */
import { randomBytes } from 'node:crypto';
import { CloseCode, CredentialKind, type Admission, type PeerHello, type ResponderPolicy, type SecureSession } from '@clawchat/protocol';
import type { Logger } from './log';
import { fingerprint } from './state/identity';
import { shouldRotate, type Peer, type PeerStore } from './state/peers';
import type { TicketBook } from './state/tickets';

const REFUSALS = {
  EXPIRED: { code: CloseCode.TICKET_EXPIRED, reason: 'this .sec has expired: use the newest clawchat-current.sec from the relay (a new one is written every 10 minutes)' },
  CONSUMED: { code: CloseCode.TICKET_USED, reason: 'this .sec was already used by another device: run `clawchat-relay issue` on the relay for a fresh one' },
  REVOKED: { code: CloseCode.TICKET_REVOKED, reason: 'this .sec was revoked by the compromise procedure: copy the new clawchat-current.sec' },
} as const;

export interface ConfirmedPeer {
  peer: Peer;
  session: SecureSession;
  hello: PeerHello;
}

/** What an admitted handshake was promised, kept until its first data packet confirms it. */
interface Promised {
  resumptionId: Buffer;
  /** RESUMPTION: the device record the presented credential belonged to at admission. */
  peer?: Peer;
  /** RESUMPTION: a new credential was promised (otherwise the presented one is handed back). */
  rotates?: boolean;
}

/**
 * How long a promised rotation blocks further ones for the same device: about the life of a half-open
 * handshake (one that never confirms frees the device again after this).
 */
const ROTATION_IN_FLIGHT_MS = 10_000;

/** A confirmed handshake whose new credential could not be written is refused: the client keeps its old one. */
const CANNOT_SAVE = { code: CloseCode.UNAVAILABLE, reason: 'the relay cannot save its list of devices right now (see its log); try again later' };

export class CredentialPolicy implements ResponderPolicy {
  /** The resumption id promised in each pending handshake's response. */
  private readonly promised = new WeakMap<PeerHello, Promised>();
  /** Devices (public key) with a rotation promised and not yet confirmed, and since when. */
  private readonly rotating = new Map<string, number>();

  constructor(
    private readonly tickets: TicketBook,
    private readonly peers: PeerStore,
    private readonly log: Logger,
    private readonly onConfirmed: (c: ConfirmedPeer) => void,
    /** Wall clock (credential ages, lastSeen); tests drive it. */
    private readonly now: () => number = Date.now,
  ) {}

  pskFor(kind: number, credentialId: Buffer): Buffer | undefined {
    if (kind === CredentialKind.TICKET) return this.tickets.pskFor(credentialId.toString('base64url'));
    // Any of the device's kept credentials, each with its own PSK (the one derived when it was issued).
    if (kind === CredentialKind.RESUMPTION) return this.peers.byResumptionId(credentialId)?.psk;
    return undefined;
  }

  admit(hello: PeerHello): Admission | undefined {
    if (!hello.remoteStatic) return undefined;
    if (hello.kind === CredentialKind.RESUMPTION) {
      const found = this.peers.byResumptionId(hello.credentialId);
      // The resumption credential belongs to one device key; anyone else holding it is refused.
      if (!found || found.peer.publicKey !== hello.remoteStatic.toString('base64')) return undefined;
      // A new id for a resumption with the newest one: the id travels in clear, so handing the same one
      // back would let anyone on the path link this device's sessions across networks. One rotation at
      // a time per device: programs of one device connecting together all start from the same stored
      // credential, and each new id handed out pushes an older one out of the kept window; they keep
      // the one they presented, and the file gets the one new id. Recorded only on confirmation.
      const now = this.now();
      const presented = hello.credentialId.toString('base64url');
      const inFlight = this.rotating.get(found.peer.publicKey);
      if ((inFlight !== undefined && inFlight + ROTATION_IN_FLIGHT_MS > now) || !shouldRotate(found.peer, presented, now)) {
        this.promised.set(hello, { resumptionId: Buffer.from(hello.credentialId), peer: found.peer });
        return { resumptionId: hello.credentialId };
      }
      this.rotating.set(found.peer.publicKey, now);
      const resumptionId = randomBytes(16);
      this.promised.set(hello, { resumptionId, peer: found.peer, rotates: true });
      return { resumptionId };
    }
    const verdict = this.tickets.check(hello.credentialId.toString('base64url'));
    if (verdict !== 'OK') {
      if (verdict === 'UNKNOWN') return undefined;
      this.log.info(`refused ${hello.deviceName || 'a device'} (${fingerprint(hello.remoteStatic)}): ticket ${verdict.toLowerCase()}`);
      return { resumptionId: Buffer.alloc(16), refuse: REFUSALS[verdict] };
    }
    const resumptionId = randomBytes(16);
    this.promised.set(hello, { resumptionId });
    return { resumptionId };
  }

  /**
   * The initiator proved the PSK. The new credential is on disk before this returns, and the relay
   * sends nothing on the session before that (the endpoint calls this before it flushes), so a client
   * that heard from the relay holds a credential that survives a relay crash.
   */
  confirmed(session: SecureSession, hello: PeerHello, resumptionPsk: Buffer): { refuse: { code: number; reason: string } } | void {
    const promise = this.promised.get(hello) as Promised;
    const peer = hello.kind === CredentialKind.TICKET ? this.confirmTicket(hello, promise, resumptionPsk) : this.confirmResumption(hello, promise, resumptionPsk);
    if ('refuse' in peer) return peer;
    this.onConfirmed({ peer, session, hello });
  }

  private confirmTicket(hello: PeerHello, promise: Promised, resumptionPsk: Buffer): Peer | { refuse: { code: number; reason: string } } {
    const ticketId = hello.credentialId.toString('base64url');
    // Two devices raced with one .sec: the first confirmed handshake wins, the other learns why.
    const verdict = this.tickets.check(ticketId);
    if (verdict !== 'OK') return { refuse: verdict === 'UNKNOWN' ? REFUSALS.EXPIRED : REFUSALS[verdict] };
    let peer: Peer;
    try {
      // The device is saved before the ticket is spent: if the save fails, the .sec still works.
      peer = this.peers.add(hello.deviceName || 'unnamed device', hello.remoteStatic as Buffer, promise.resumptionId, resumptionPsk, this.now());
    } catch (err) {
      this.log.error(`cannot save the new device ${hello.deviceName || 'unnamed device'}: ${(err as Error).message}`);
      return { refuse: CANNOT_SAVE };
    }
    this.tickets.consume(ticketId); // cannot fail: checked above, in the same turn of the event loop
    this.log.info(`new device ${peer.deviceName} (${peer.fingerprint}) connected with a .sec ticket; it can reconnect without one`);
    return peer;
  }

  private confirmResumption(hello: PeerHello, promise: Promised, resumptionPsk: Buffer): Peer | { refuse: { code: number; reason: string } } {
    const peer = promise.peer as Peer;
    if (promise.rotates) this.rotating.delete(peer.publicKey);
    if (!this.peers.isCurrent(peer)) {
      // Re-registered meanwhile (another program of the device loaded a new .sec): not a revocation. The
      // device's new credential is in its credential file; REVOKED would make this program erase it.
      if (this.peers.knows(peer.publicKey)) return { refuse: { code: CloseCode.UNAVAILABLE, reason: 'this device connected with a new .sec meanwhile: reconnect with its new credential' } };
      return { refuse: { code: CloseCode.REVOKED, reason: 'this device was revoked while connecting: load a new .sec' } };
    }
    if (!promise.rotates) {
      this.peers.seen(peer, this.now());
      return peer;
    }
    try {
      this.peers.rotate(peer, hello.credentialId, promise.resumptionId, resumptionPsk, this.now());
    } catch (err) {
      this.log.error(`cannot save the new credential of ${peer.deviceName} (${peer.fingerprint}): ${(err as Error).message}`);
      return { refuse: CANNOT_SAVE };
    }
    return peer;
  }
}
