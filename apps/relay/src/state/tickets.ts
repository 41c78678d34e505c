/**
 * The .sec lifecycle around the pure SecIssuer: persisting the issuer's state (0600), writing
 * clawchat-current.sec when it says so, and minting on-demand tickets. A ticket is consumed only when
 * a handshake using it is confirmed (the PSK is proven then), so a lost handshake response never burns
 * it and a stranger who saw the ticket id cannot block it. Expiry is judged by this clock (the relay's).
 */
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import {
  SecIssuer,
  currentSecPath,
  isTicketLookupError,
  readSecHeader,
  secBodyForTicket,
  writeSecFile,
  type RelayEndpoint,
  type SecIssuerState,
  type Ticket,
  type TicketRejection,
} from '@clawchat/security-file';
import { removeStaleTempFilesSync, writeFileAtomicSync } from '@clawchat/atomic-file';
import type { Logger } from '../log';
import { DamagedStateError, readStateFile } from './state-file';

const STATE_FILE = 'tickets.json';
/** The files `issue` writes (clawchat-current.sec is rewritten in place and never matches). */
const ISSUED_SEC_FILE = /^clawchat-\d{8}T\d{6}\.sec$/;
/** How long an issued .sec stays after it expired. */
const ISSUED_FILE_KEEP_MS = 60 * 60_000;
/** How long the PSK of a spent ticket is remembered, so its holder can be told why it was refused. */
const SPENT_PSK_MEMORY_MS = 60 * 60_000;

export interface TicketOptions {
  securityDir: string;
  bootstrapKey: string;
  relayPublicKey: string;
  endpoints: RelayEndpoint[];
  validityMs?: number;
  regenerateMs?: number;
  log: Logger;
  now: () => number;
}

export class TicketBook {
  private issuer: SecIssuer;
  private readonly stateFile: string;
  private readonly psks = new Map<string, { psk: string; forgetAt: number }>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: TicketOptions) {
    this.stateFile = path.join(o.securityDir, STATE_FILE);
    removeStaleTempFilesSync(this.stateFile); // a write cut short by a crash
    this.issuer = this.load();
  }

  private load(): SecIssuer {
    const now = this.o.now();
    try {
      const state = readStateFile(this.stateFile) as SecIssuerState | undefined;
      if (
        state &&
        state.validityMs === (this.o.validityMs ?? state.validityMs) &&
        state.regenerateEveryMs === (this.o.regenerateMs ?? state.regenerateEveryMs)
      ) {
        const issuer = SecIssuer.fromJSON(state, { now });
        for (const t of state.tickets) this.remember(t);
        return issuer;
      }
    } catch (err) {
      // A damaged file costs only the outstanding tickets: a fresh .sec is written below.
      const why = err instanceof DamagedStateError ? err.message : `${this.stateFile}: ${(err as Error).message}`;
      this.o.log.warn(`ticket state unreadable, starting fresh: ${why}`);
    }
    return new SecIssuer({ now, validityMs: this.o.validityMs, regenerateEveryMs: this.o.regenerateMs });
  }

  /** Where clients dial, written into every .sec (known once the socket is bound). */
  setEndpoints(endpoints: RelayEndpoint[]): void {
    this.o.endpoints = endpoints;
  }

  /** Runs the issuer's clock: call once at start; it re-arms its own timer. */
  start(): Promise<void> {
    this.tick();
    return this.writing;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for pending .sec writes (tests and shutdown). */
  flushed(): Promise<void> {
    return this.writing;
  }

  get secPath(): string {
    return currentSecPath(this.o.securityDir);
  }

  private tick(): void {
    const now = this.o.now();
    this.pruneIssuedFiles(now);
    this.apply(this.issuer.tick(now));
    for (const [id, m] of this.psks) if (m.forgetAt <= now) this.psks.delete(id);
    if (this.timer) clearTimeout(this.timer);
    const wake = this.issuer.nextWakeAt();
    if (wake !== null) {
      this.timer = setTimeout(() => this.tick(), Math.min(Math.max(wake - this.o.now(), 10), 2 ** 31 - 1));
      this.timer.unref();
    }
  }

  private apply(actions: { kind: 'write'; ticket: Ticket }[]): void {
    for (const a of actions) {
      this.remember(a.ticket);
      const body = secBodyForTicket(a.ticket, this.o.endpoints, this.o.relayPublicKey);
      const expires = new Date(a.ticket.expiresAt).toISOString();
      this.writing = this.writing
        .then(() => writeSecFile(this.secPath, body, this.o.bootstrapKey))
        .then(() => this.o.log.info(`wrote ${this.secPath} (valid until ${expires})`))
        .catch((err) => this.o.log.error(`cannot write ${this.secPath}: ${(err as Error).message}`));
    }
    this.persist();
  }

  /**
   * Deletes the .sec files `issue` wrote (clawchat-<time>.sec) an hour after they expired: useless by
   * then, and a long-running relay would otherwise collect one per device ever added. The hour lets
   * someone who tries a late file still be told "expired" rather than find nothing.
   */
  private pruneIssuedFiles(now: number): void {
    this.removeIssuedFiles('expired', (file, name) => readSecHeader(readFileSync(file), name).expiresAt + ISSUED_FILE_KEEP_MS < now);
  }

  private removeIssuedFiles(why: string, shouldRemove: (file: string, name: string) => boolean): void {
    let names: string[];
    try {
      names = readdirSync(this.o.securityDir);
    } catch {
      return;
    }
    for (const name of names.filter((n) => ISSUED_SEC_FILE.test(n))) {
      const file = path.join(this.o.securityDir, name);
      try {
        if (shouldRemove(file, name)) {
          unlinkSync(file);
          this.o.log.info(`removed ${file} (${why})`);
        }
      } catch {
        // unreadable or not a .sec after all: leave it to the admin
      }
    }
  }

  private remember(t: Ticket): void {
    this.psks.set(t.ticketId, { psk: t.psk, forgetAt: t.expiresAt + SPENT_PSK_MEMORY_MS });
  }

  /**
   * Saves the issuer's state at once, synchronously: a consumed ticket must stay consumed after a crash
   * right behind the handshake that used it (or its .sec would let a second device in after a restart),
   * and whole synchronous writes can never land out of order. The changes are rare (a connect, a
   * disconnect, a regeneration every 10 minutes), so the fsync costs nothing that matters.
   */
  private persist(): void {
    try {
      writeFileAtomicSync(this.stateFile, JSON.stringify(this.issuer.toJSON()) + '\n');
    } catch (err) {
      this.o.log.error(`cannot save ${this.stateFile}: ${(err as Error).message}`);
    }
  }

  /** The PSK for a ticket id, also for recently spent tickets (so the refusal can be authenticated). */
  pskFor(ticketId: string): Buffer | undefined {
    const m = this.psks.get(ticketId);
    return m ? Buffer.from(m.psk, 'base64') : undefined;
  }

  /** Whether this ticket may be used now (it is not consumed by looking). */
  check(ticketId: string): TicketRejection | 'OK' {
    const found = this.issuer.lookup(ticketId, this.o.now());
    return isTicketLookupError(found) ? found.error : 'OK';
  }

  /** Uses the ticket up; fails when another device's handshake consumed it first. */
  consume(ticketId: string): TicketRejection | 'OK' {
    const found = this.issuer.consume(ticketId, this.o.now());
    this.persist();
    this.tick();
    return isTicketLookupError(found) ? found.error : 'OK';
  }

  clientConnected(): void {
    this.issuer.clientConnected(this.o.now());
    this.persist();
    this.tick();
  }

  clientDisconnected(): void {
    this.apply(this.issuer.clientDisconnected(this.o.now()));
    this.tick();
  }

  /** A ticket for another device, written to its own file; clawchat-current.sec is left alone. */
  async issueOnDemand(): Promise<{ file: string; expiresAt: number }> {
    const ticket = this.issuer.issueOnDemand(this.o.now());
    this.remember(ticket);
    this.persist();
    const stamp = new Date(ticket.issuedAt).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const file = path.join(this.o.securityDir, `clawchat-${stamp}.sec`);
    await writeSecFile(file, secBodyForTicket(ticket, this.o.endpoints, this.o.relayPublicKey), this.o.bootstrapKey);
    this.o.log.info(`issued ${file} for another device (valid until ${new Date(ticket.expiresAt).toISOString()})`);
    this.tick();
    return { file, expiresAt: ticket.expiresAt };
  }

  /** The compromise procedure's part: every outstanding ticket dies and a fresh .sec is written. */
  revokeAll(): Promise<void> {
    this.apply(this.issuer.revokeAll(this.o.now()));
    this.tick();
    return this.writing;
  }

  /** rotate-identity: new relay key / bootstrap key → start a new issuer (old tickets are useless). */
  reset(bootstrapKey: string, relayPublicKey: string): Promise<void> {
    // Every issued file is sealed with the old bootstrap key for the old relay key: none can ever
    // connect again, and left in place they would look usable to whoever copies the folder's .sec files.
    this.removeIssuedFiles('sealed for the previous relay identity', () => true);
    this.o.bootstrapKey = bootstrapKey;
    this.o.relayPublicKey = relayPublicKey;
    this.psks.clear();
    const connected = this.issuer.connectedClientCount;
    this.issuer = new SecIssuer({ now: this.o.now(), validityMs: this.o.validityMs, regenerateEveryMs: this.o.regenerateMs });
    for (let i = 0; i < connected; i++) this.issuer.clientConnected(this.o.now());
    this.tick();
    return this.writing;
  }

  get currentExpiresAt(): number | undefined {
    return this.issuer.currentTicket()?.expiresAt;
  }

  get connectedCount(): number {
    return this.issuer.connectedClientCount;
  }
}
