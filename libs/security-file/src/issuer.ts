// The .sec issuer policy as a pure state machine: it takes `now` and events, returns what to write.
// The relay's adapter owns the clock, the timer and the files.
//
// Policy (spec/transport.md): one ticket at start; while no client is connected a new one every
// 10 min, each valid 11 min (1 min overlap); none while a client is connected; when the last client
// leaves, a fresh one at once if the current one is spent, else at the next 10-min mark. Tickets are
// single-use. Expiry is judged by this clock only.
import {
  MAX_TOMBSTONES,
  TICKET_REGENERATE_EVERY_MS,
  TICKET_VALIDITY_MS,
  TOMBSTONE_TTL_MS,
} from './constants';
import { newTicketSecret, type Ticket, type TicketSecret } from './ticket';

/** `write`: put this ticket into clawchat-current.sec (replacing the previous file). */
export interface IssuerWriteAction {
  kind: 'write';
  ticket: Ticket;
}
export type IssuerAction = IssuerWriteAction;

export type TicketRejection = 'EXPIRED' | 'CONSUMED' | 'REVOKED' | 'UNKNOWN';
export interface TicketLookupError {
  error: TicketRejection;
}
export type TicketLookup = Ticket | TicketLookupError;

export function isTicketLookupError(result: TicketLookup): result is TicketLookupError {
  return 'error' in result;
}

export interface SecIssuerOptions {
  now: number;
  validityMs?: number;
  regenerateEveryMs?: number;
  newTicket?: () => TicketSecret;
}

interface Tombstone {
  reason: Exclude<TicketRejection, 'UNKNOWN'>;
  forgetAt: number;
}

/** What toJSON() produces; contains PSKs, so the caller must store it as a secret (0600). */
export interface SecIssuerState {
  v: 1;
  validityMs: number;
  regenerateEveryMs: number;
  tickets: Ticket[];
  tombstones: [ticketId: string, reason: Tombstone['reason'], forgetAt: number][];
  currentTicketId: string | null;
  nextRegenerateAt: number | null;
}

/** Lets fromJSON() build an issuer without minting the start-up ticket; not exported. */
const RESTORING = Symbol('restoring');

export class SecIssuer {
  private readonly validityMs: number;
  private readonly regenerateEveryMs: number;
  private readonly newTicket: () => TicketSecret;
  private readonly tickets = new Map<string, Ticket>();
  private readonly tombstones = new Map<string, Tombstone>();
  /** The ticket in clawchat-current.sec (on-demand tickets never are). */
  private currentTicketId: string | null = null;
  /** null while a client is connected: no regeneration then. */
  private nextRegenerateAt: number | null = null;
  private connectedClients = 0;
  /** Actions produced outside tick() (start, restore) and not yet handed out. */
  private pending: IssuerAction[] = [];

  constructor(opts: SecIssuerOptions, restoring?: typeof RESTORING) {
    this.validityMs = opts.validityMs ?? TICKET_VALIDITY_MS;
    this.regenerateEveryMs = opts.regenerateEveryMs ?? TICKET_REGENERATE_EVERY_MS;
    this.newTicket = opts.newTicket ?? newTicketSecret;
    if (this.regenerateEveryMs > this.validityMs) {
      throw new Error('regenerateEveryMs must not exceed validityMs, or there would be gaps with no valid .sec');
    }
    if (restoring !== RESTORING) this.pending.push(this.issueCurrent(opts.now));
  }

  /** Advances time: expires tickets, forgets old tombstones, regenerates when due. Returns what to write. */
  tick(now: number): IssuerAction[] {
    this.expire(now);
    const actions = this.pending;
    this.pending = [];
    if (this.connectedClients === 0 && this.nextRegenerateAt !== null && now >= this.nextRegenerateAt) {
      actions.push(this.issueCurrent(now));
    }
    return actions;
  }

  /** When tick() should run next (ms), or null if nothing is scheduled. */
  nextWakeAt(): number | null {
    const candidates: number[] = [];
    if (this.pending.length > 0) candidates.push(-Infinity);
    if (this.connectedClients === 0 && this.nextRegenerateAt !== null) candidates.push(this.nextRegenerateAt);
    for (const ticket of this.tickets.values()) candidates.push(ticket.expiresAt);
    // Tombstones are in insertion order with equal TTLs, so the first is the earliest to forget.
    const firstTombstone = this.tombstones.values().next();
    if (!firstTombstone.done) candidates.push(firstTombstone.value.forgetAt);
    return candidates.length === 0 ? null : Math.max(Math.min(...candidates), 0);
  }

  clientConnected(_now: number): void {
    this.connectedClients += 1;
    this.nextRegenerateAt = null;
  }

  /** Returns the write action when the last client leaving requires a fresh .sec right away. */
  clientDisconnected(now: number): IssuerAction[] {
    if (this.connectedClients === 0) return [];
    this.connectedClients -= 1;
    if (this.connectedClients > 0) return [];
    return this.resumeRegeneration(now);
  }

  get connectedClientCount(): number {
    return this.connectedClients;
  }

  /** Mints an extra ticket (for a second device); does not replace clawchat-current.sec or move the schedule. */
  issueOnDemand(now: number): Ticket {
    return this.mint(now);
  }

  /** The valid ticket with this id, or why it cannot be used. Does not consume it. */
  lookup(ticketId: string, now: number): TicketLookup {
    const ticket = this.tickets.get(ticketId);
    if (ticket) {
      if (now < ticket.expiresAt) return { ...ticket };
      this.bury(ticketId, 'EXPIRED', now);
      return { error: 'EXPIRED' };
    }
    const tombstone = this.tombstones.get(ticketId);
    if (tombstone && now < tombstone.forgetAt) return { error: tombstone.reason };
    return { error: 'UNKNOWN' };
  }

  /** Marks the ticket used (first authenticated packet of a completed handshake). */
  consume(ticketId: string, now: number): TicketLookup {
    const result = this.lookup(ticketId, now);
    if (!isTicketLookupError(result)) this.bury(ticketId, 'CONSUMED', now);
    return result;
  }

  /** Compromise procedure: every outstanding ticket becomes unusable and a fresh .sec is written. */
  revokeAll(now: number): IssuerAction[] {
    for (const ticketId of [...this.tickets.keys()]) this.bury(ticketId, 'REVOKED', now);
    return [this.issueCurrent(now)];
  }

  /** The ticket currently meant to be in clawchat-current.sec, if it is still outstanding. */
  currentTicket(): Ticket | null {
    const ticket = this.currentTicketId === null ? undefined : this.tickets.get(this.currentTicketId);
    return ticket ? { ...ticket } : null;
  }

  toJSON(): SecIssuerState {
    return {
      v: 1,
      validityMs: this.validityMs,
      regenerateEveryMs: this.regenerateEveryMs,
      tickets: [...this.tickets.values()].map((ticket) => ({ ...ticket })),
      tombstones: [...this.tombstones].map(([id, stone]) => [id, stone.reason, stone.forgetAt]),
      currentTicketId: this.currentTicketId,
      nextRegenerateAt: this.nextRegenerateAt,
    };
  }

  /**
   * Restores after a relay restart. No client is connected after a restart, so regeneration resumes
   * as if the last one had just left: a fresh .sec at once (returned by the first tick) if the current
   * one is spent.
   */
  static fromJSON(state: SecIssuerState, opts: { now: number; newTicket?: () => TicketSecret }): SecIssuer {
    if (state.v !== 1) throw new Error(`unknown issuer state version ${String(state.v)}; delete the state file to start fresh`);
    const issuer = new SecIssuer(
      { now: opts.now, validityMs: state.validityMs, regenerateEveryMs: state.regenerateEveryMs, newTicket: opts.newTicket },
      RESTORING,
    );
    for (const ticket of state.tickets) issuer.tickets.set(ticket.ticketId, { ...ticket });
    for (const [id, reason, forgetAt] of state.tombstones) issuer.tombstones.set(id, { reason, forgetAt });
    issuer.currentTicketId = state.currentTicketId;
    issuer.nextRegenerateAt = state.nextRegenerateAt;
    issuer.expire(opts.now);
    if (issuer.nextRegenerateAt === null || issuer.currentTicket() === null) {
      issuer.pending.push(...issuer.resumeRegeneration(opts.now));
    }
    return issuer;
  }

  private resumeRegeneration(now: number): IssuerAction[] {
    this.expire(now);
    const current = this.currentTicket();
    if (current === null) return [this.issueCurrent(now)];
    // Keep the 10-minute cadence of the current file rather than restarting the clock.
    this.nextRegenerateAt = current.issuedAt + this.regenerateEveryMs;
    return [];
  }

  private issueCurrent(now: number): IssuerWriteAction {
    const ticket = this.mint(now);
    this.currentTicketId = ticket.ticketId;
    this.nextRegenerateAt = this.connectedClients === 0 ? now + this.regenerateEveryMs : null;
    return { kind: 'write', ticket };
  }

  private mint(now: number): Ticket {
    const ticket: Ticket = { ...this.newTicket(), issuedAt: now, expiresAt: now + this.validityMs };
    if (this.tickets.has(ticket.ticketId) || this.tombstones.has(ticket.ticketId)) {
      throw new Error('ticket id collision: the ticket generator is not random');
    }
    this.tickets.set(ticket.ticketId, ticket);
    return { ...ticket };
  }

  private expire(now: number): void {
    for (const ticket of [...this.tickets.values()]) {
      if (now >= ticket.expiresAt) this.bury(ticket.ticketId, 'EXPIRED', now);
    }
    for (const [id, stone] of this.tombstones) {
      if (now < stone.forgetAt) break; // insertion order = forget order
      this.tombstones.delete(id);
    }
  }

  private bury(ticketId: string, reason: Tombstone['reason'], now: number): void {
    this.tickets.delete(ticketId);
    this.tombstones.delete(ticketId);
    this.tombstones.set(ticketId, { reason, forgetAt: now + TOMBSTONE_TTL_MS });
    while (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next().value as string;
      this.tombstones.delete(oldest);
    }
  }
}
