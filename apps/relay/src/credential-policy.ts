/**
 * Who may connect: the ResponderPolicy the relay gives its public endpoint. A first connect needs a
 * live .sec ticket; later connects use the resumption credential the relay handed out, bound to the
 * device's static key. Spent tickets are refused with an authenticated reason (the holder proved it has
 * the .sec, so it may learn why); anything else unknown gets no answer at all.
 */
import { randomBytes } from 'node:crypto';
import { CloseCode, CredentialKind, type Admission, type PeerHello, type ResponderPolicy, type SecureSession } from '@clawchat/protocol';
import type { Logger } from './log';
import { fingerprint } from './state/identity';
import type { Peer, PeerStore } from './state/peers';
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

export class CredentialPolicy implements ResponderPolicy {
  /** The resumption id promised in each pending ticket handshake's response. */
  private readonly promised = new WeakMap<PeerHello, Buffer>();

  constructor(
    private readonly tickets: TicketBook,
    private readonly peers: PeerStore,
    private readonly log: Logger,
    private readonly onConfirmed: (c: ConfirmedPeer) => void,
  ) {}

  pskFor(kind: number, credentialId: Buffer): Buffer | undefined {
    if (kind === CredentialKind.TICKET) return this.tickets.pskFor(credentialId.toString('base64url'));
    if (kind === CredentialKind.RESUMPTION) {
      const peer = this.peers.byResumptionId(credentialId);
      return peer ? Buffer.from(peer.resumptionPsk, 'base64') : undefined;
    }
    return undefined;
  }

  admit(hello: PeerHello): Admission | undefined {
    if (!hello.remoteStatic) return undefined;
    if (hello.kind === CredentialKind.RESUMPTION) {
      const peer = this.peers.byResumptionId(hello.credentialId);
      // The resumption credential belongs to one device key; anyone else holding it is refused.
      if (!peer || peer.publicKey !== hello.remoteStatic.toString('base64')) return undefined;
      return { resumptionId: hello.credentialId };
    }
    const verdict = this.tickets.check(hello.credentialId.toString('base64url'));
    if (verdict !== 'OK') {
      if (verdict === 'UNKNOWN') return undefined;
      this.log.info(`refused ${hello.deviceName || 'a device'} (${fingerprint(hello.remoteStatic)}): ticket ${verdict.toLowerCase()}`);
      return { resumptionId: Buffer.alloc(16), refuse: REFUSALS[verdict] };
    }
    const resumptionId = randomBytes(16);
    this.promised.set(hello, resumptionId);
    return { resumptionId };
  }

  confirmed(session: SecureSession, hello: PeerHello, resumptionPsk: Buffer): { refuse: { code: number; reason: string } } | void {
    const key = hello.remoteStatic as Buffer;
    let peer: Peer | undefined;
    if (hello.kind === CredentialKind.TICKET) {
      const resumptionId = this.promised.get(hello) as Buffer;
      const used = this.tickets.consume(hello.credentialId.toString('base64url'));
      // Two devices raced with one .sec: the first confirmed handshake wins, the other learns why.
      if (used !== 'OK' && used !== 'UNKNOWN') return { refuse: REFUSALS[used] };
      if (used === 'UNKNOWN') return { refuse: REFUSALS.EXPIRED };
      peer = this.peers.add(hello.deviceName || 'unnamed device', key, resumptionId, resumptionPsk, Date.now());
      this.log.info(`new device ${peer.deviceName} (${peer.fingerprint}) connected with a .sec ticket; it can reconnect without one`);
    } else {
      peer = this.peers.byResumptionId(hello.credentialId);
      if (!peer) return { refuse: { code: CloseCode.REVOKED, reason: 'this device was revoked while connecting: load a new .sec' } };
      this.peers.touch(peer, Date.now());
    }
    this.onConfirmed({ peer, session, hello });
  }
}
