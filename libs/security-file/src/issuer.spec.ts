import { MAX_TOMBSTONES } from './constants';
import { isTicketLookupError, SecIssuer, type IssuerAction } from './issuer';
import { newTicketSecret, type Ticket } from './ticket';

const MIN = 60_000;

function counterTickets(): () => { ticketId: string; psk: string } {
  let n = 0;
  return () => {
    n += 1;
    return { ticketId: `T${n}`, psk: `psk${n}` };
  };
}

function writtenTickets(actions: IssuerAction[]): Ticket[] {
  return actions.filter((action) => action.kind === 'write').map((action) => action.ticket);
}

function errorOf(result: ReturnType<SecIssuer['lookup']>): string {
  return isTicketLookupError(result) ? result.error : 'OK';
}

/**
 * Drives the issuer the way the relay adapter does: it sleeps until nextWakeAt() (or the next event)
 * and calls tick(). If nextWakeAt() were ever too late, a regeneration would be missed here.
 */
class Driver {
  readonly writes: { at: number; ticket: Ticket }[] = [];
  now = 0;
  readonly issuer: SecIssuer;

  constructor() {
    this.issuer = new SecIssuer({ now: 0, newTicket: counterTickets() });
    this.record(this.issuer.tick(0));
  }

  record(actions: IssuerAction[]): void {
    for (const ticket of writtenTickets(actions)) this.writes.push({ at: this.now, ticket });
  }

  advanceTo(target: number): void {
    for (;;) {
      const wake = this.issuer.nextWakeAt();
      if (wake === null || wake > target) break;
      this.now = Math.max(this.now, wake);
      this.record(this.issuer.tick(this.now));
    }
    this.now = target;
    this.record(this.issuer.tick(target));
  }

  validTicketIds(): string[] {
    return this.writes.map((w) => w.ticket.ticketId).filter((id) => !isTicketLookupError(this.issuer.lookup(id, this.now)));
  }
}

describe('SecIssuer timeline over two simulated hours', () => {
  it('regenerates every 10 min while idle, never while connected, and resumes after', () => {
    const d = new Driver();
    d.advanceTo(10 * MIN);
    expect(d.validTicketIds()).toEqual(['T1', 'T2']); // one minute of overlap
    d.advanceTo(10 * MIN + 59_999);
    expect(d.validTicketIds()).toEqual(['T1', 'T2']);
    d.advanceTo(11 * MIN);
    expect(errorOf(d.issuer.lookup('T1', d.now))).toBe('EXPIRED');
    expect(d.validTicketIds()).toEqual(['T2']);

    d.advanceTo(25 * MIN); // T3 was written at 20
    expect(d.issuer.consume('T3', d.now)).toMatchObject({ ticketId: 'T3' });
    d.issuer.clientConnected(d.now);
    d.advanceTo(65 * MIN); // 40 minutes connected: nothing written
    expect(d.writes.filter((w) => w.at > 25 * MIN)).toEqual([]);
    // Only housekeeping is left to wake for (forgetting tombstones), not a regeneration.
    expect(d.issuer.nextWakeAt()).toBeGreaterThan(d.now);

    // The current .sec was consumed, so leaving writes a fresh one at once.
    d.record(d.issuer.clientDisconnected(d.now));
    d.advanceTo(80 * MIN); // T4 at 65, T5 at 75
    d.issuer.clientConnected(d.now); // resumption PSK: no ticket consumed
    d.advanceTo(83 * MIN);
    d.issuer.clientConnected(d.now); // a second device
    d.advanceTo(84 * MIN);
    expect(d.issuer.clientDisconnected(d.now)).toEqual([]); // one still connected
    d.advanceTo(100 * MIN);
    // T5 (issued 75, expired 86) is spent, so the last client leaving writes one right away.
    d.record(d.issuer.clientDisconnected(d.now));
    d.advanceTo(120 * MIN);

    expect(d.writes.map((w) => [w.at / MIN, w.ticket.ticketId])).toEqual([
      [0, 'T1'],
      [10, 'T2'],
      [20, 'T3'],
      [65, 'T4'],
      [75, 'T5'],
      [100, 'T6'],
      [110, 'T7'],
      [120, 'T8'],
    ]);
    for (const { at, ticket } of d.writes) {
      expect(ticket.issuedAt).toBe(at);
      expect(ticket.expiresAt).toBe(at + 11 * MIN);
    }
  });

  it('keeps the 10-minute cadence when the client leaves while the current .sec is still good', () => {
    const d = new Driver();
    d.advanceTo(3 * MIN);
    d.issuer.clientConnected(d.now);
    d.advanceTo(7 * MIN);
    expect(d.issuer.clientDisconnected(d.now)).toEqual([]);
    d.advanceTo(10 * MIN);
    expect(d.writes.map((w) => w.at / MIN)).toEqual([0, 10]);
  });

  it('writes at once when the client leaves after the 10-minute mark but before expiry', () => {
    const d = new Driver();
    d.advanceTo(2 * MIN);
    d.issuer.clientConnected(d.now);
    d.advanceTo(10 * MIN + 30_000);
    expect(d.writes).toHaveLength(1);
    d.record(d.issuer.clientDisconnected(d.now));
    d.advanceTo(d.now);
    expect(d.writes.map((w) => w.at)).toEqual([0, 10 * MIN + 30_000]);
  });
});

describe('SecIssuer tickets', () => {
  const make = () => new SecIssuer({ now: 0, newTicket: counterTickets() });

  it('uses random 16-byte ids and 32-byte PSKs by default', () => {
    const [ticket] = writtenTickets(new SecIssuer({ now: 5 }).tick(5));
    expect(Buffer.from(ticket.ticketId, 'base64url')).toHaveLength(16);
    expect(Buffer.from(ticket.psk, 'base64')).toHaveLength(32);
    expect(ticket).toMatchObject({ issuedAt: 5, expiresAt: 5 + 11 * MIN });
  });

  it('lookup does not consume (a retransmitted initiation is still answered); consume is single-use', () => {
    const issuer = make();
    issuer.tick(0);
    expect(issuer.lookup('T1', MIN)).toMatchObject({ ticketId: 'T1', psk: 'psk1' });
    expect(issuer.lookup('T1', 2 * MIN)).toMatchObject({ ticketId: 'T1' });
    expect(issuer.consume('T1', 3 * MIN)).toMatchObject({ ticketId: 'T1' });
    expect(errorOf(issuer.consume('T1', 3 * MIN))).toBe('CONSUMED');
    expect(errorOf(issuer.lookup('T1', 4 * MIN))).toBe('CONSUMED');
  });

  it('tells expired, consumed, revoked and unknown apart, then forgets after an hour', () => {
    const issuer = make();
    issuer.tick(0);
    const spare = issuer.issueOnDemand(0);
    issuer.consume(spare.ticketId, MIN);
    expect(errorOf(issuer.lookup('T1', 11 * MIN - 1))).toBe('OK');
    expect(errorOf(issuer.lookup('T1', 11 * MIN))).toBe('EXPIRED'); // expiry is exclusive
    expect(errorOf(issuer.consume('T1', 12 * MIN))).toBe('EXPIRED');
    expect(errorOf(issuer.lookup(spare.ticketId, 12 * MIN))).toBe('CONSUMED');
    expect(errorOf(issuer.lookup('nope', 12 * MIN))).toBe('UNKNOWN');
    issuer.tick(75 * MIN);
    expect(errorOf(issuer.lookup('T1', 75 * MIN))).toBe('UNKNOWN');
    expect(errorOf(issuer.lookup(spare.ticketId, 75 * MIN))).toBe('UNKNOWN');
  });

  it('issueOnDemand mints an extra ticket without replacing the current .sec or moving the schedule', () => {
    const issuer = make();
    issuer.tick(0);
    const extra = issuer.issueOnDemand(4 * MIN);
    expect(extra).toMatchObject({ ticketId: 'T2', issuedAt: 4 * MIN, expiresAt: 15 * MIN });
    expect(issuer.currentTicket()?.ticketId).toBe('T1');
    expect(issuer.tick(9 * MIN)).toEqual([]);
    expect(writtenTickets(issuer.tick(10 * MIN)).map((t) => t.ticketId)).toEqual(['T3']);
    expect(errorOf(issuer.lookup('T2', 14 * MIN))).toBe('OK');
  });

  it('revokeAll invalidates every outstanding ticket and writes a new one', () => {
    const issuer = make();
    issuer.tick(0);
    issuer.issueOnDemand(MIN);
    issuer.clientConnected(2 * MIN);
    const actions = issuer.revokeAll(3 * MIN);
    expect(writtenTickets(actions).map((t) => t.ticketId)).toEqual(['T3']);
    expect(errorOf(issuer.lookup('T1', 3 * MIN))).toBe('REVOKED');
    expect(errorOf(issuer.lookup('T2', 3 * MIN))).toBe('REVOKED');
    expect(errorOf(issuer.lookup('T3', 3 * MIN))).toBe('OK');
    expect(issuer.tick(30 * MIN)).toEqual([]); // still connected: no regeneration
    expect(writtenTickets(issuer.clientDisconnected(31 * MIN)).map((t) => t.ticketId)).toEqual(['T4']); // T3 expired at 14
  });

  it('keeps a bounded number of tombstones', () => {
    const issuer = new SecIssuer({ now: 0, newTicket: newTicketSecret });
    const first = issuer.issueOnDemand(0);
    issuer.consume(first.ticketId, 0);
    for (let i = 0; i < MAX_TOMBSTONES; i += 1) issuer.consume(issuer.issueOnDemand(0).ticketId, 0);
    expect(errorOf(issuer.lookup(first.ticketId, 1))).toBe('UNKNOWN');
    expect(issuer.toJSON().tombstones.length).toBe(MAX_TOMBSTONES);
  });

  it('rejects a schedule that would leave gaps', () => {
    expect(() => new SecIssuer({ now: 0, validityMs: 5 * MIN, regenerateEveryMs: 10 * MIN })).toThrow(/gaps/);
  });
});

describe('SecIssuer persistence', () => {
  it('round-trips through JSON: tickets, tombstones and schedule survive a restart', () => {
    const issuer = new SecIssuer({ now: 0, newTicket: counterTickets() });
    issuer.tick(0);
    const spare = issuer.issueOnDemand(MIN);
    issuer.consume(spare.ticketId, 2 * MIN);
    const saved = JSON.parse(JSON.stringify(issuer)) as ReturnType<SecIssuer['toJSON']>;

    const restored = SecIssuer.fromJSON(saved, { now: 3 * MIN, newTicket: counterTickets() });
    expect(restored.tick(3 * MIN)).toEqual([]); // the current .sec is still good: no rewrite
    expect(restored.lookup('T1', 3 * MIN)).toMatchObject({ ticketId: 'T1', psk: 'psk1' });
    expect(errorOf(restored.lookup(spare.ticketId, 3 * MIN))).toBe('CONSUMED');
    expect(restored.nextWakeAt()).toBe(10 * MIN);
    expect(restored.toJSON()).toEqual(issuer.toJSON());
  });

  it('writes a fresh .sec on the first tick when restored after the current one expired', () => {
    const issuer = new SecIssuer({ now: 0, newTicket: counterTickets() });
    issuer.tick(0);
    issuer.clientConnected(MIN); // state saved while connected: no schedule
    const saved = issuer.toJSON();
    let n = 100;
    const restored = SecIssuer.fromJSON(saved, { now: 40 * MIN, newTicket: () => ({ ticketId: `R${++n}`, psk: 'p' }) });
    expect(restored.nextWakeAt()).toBe(0);
    expect(writtenTickets(restored.tick(40 * MIN)).map((t) => t.ticketId)).toEqual(['R101']);
    expect(errorOf(restored.lookup('T1', 40 * MIN))).toBe('EXPIRED');
    expect(restored.connectedClientCount).toBe(0);
  });
});
