import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { generateBootstrapKey } from '@clawchat/security-file';
import { createLogger } from '../log';
import { TicketBook } from './tickets';

describe('TicketBook', () => {
  let dir: string;
  let clock: number;
  let lines: string[];
  const books: TicketBook[] = [];
  const options = () => ({
    securityDir: dir,
    bootstrapKey,
    relayPublicKey,
    endpoints: [{ host: '127.0.0.1', port: 50000 }],
    log: createLogger('test', { write: (line: string) => lines.push(line) }),
    now: () => clock,
  });
  const bootstrapKey = generateBootstrapKey();
  const relayPublicKey = generateX25519KeyPair().publicKey.toString('base64');

  /** A relay (re)starting on this security folder, as after a restart or a kill -9. */
  async function start(): Promise<TicketBook> {
    const book = new TicketBook(options());
    books.push(book);
    await book.start();
    return book;
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'relay-tickets-'));
    clock = Date.parse('2026-11-25T12:00:00Z');
    lines = [];
  });
  afterEach(async () => {
    for (const book of books.splice(0)) {
      book.stop();
      await book.flushed();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('a damaged tickets.json is logged by name only (it holds PSKs) and a fresh .sec is written', async () => {
    const secret = 'c2VjcmV0LXBzay1ieXRlcy1zZWNyZXQtcHNr';
    writeFileSync(path.join(dir, 'tickets.json'), `{"v":1,"tickets":[{"psk":${secret}}]}`);
    const tickets = await start();
    const warning = lines.find((l) => l.includes('ticket state unreadable'));
    expect(warning).toMatch(/tickets\.json is damaged \(not valid JSON\)/);
    expect(lines.join('\n')).not.toContain(secret.slice(0, 8));
    expect(readFileSync(tickets.secPath).length).toBeGreaterThan(0);
  });

  test('a consumed ticket is on disk before consume() returns: a crash right after cannot revive the .sec', async () => {
    const tickets = await start();
    const state = JSON.parse(readFileSync(path.join(dir, 'tickets.json'), 'utf8')) as { currentTicketId: string };
    expect(tickets.consume(state.currentTicketId)).toBe('OK');
    // A relay started from what is on disk at this instant (as after kill -9) refuses the ticket.
    const restarted = new TicketBook(options());
    expect(restarted.check(state.currentTicketId)).not.toBe('OK');
  });

  test('.sec files written by issue are removed an hour after they expired; clawchat-current.sec stays', async () => {
    const issued = await (await start()).issueOnDemand();
    writeFileSync(path.join(dir, 'notes.txt'), 'not a .sec');
    clock = issued.expiresAt + 30 * 60_000; // expired half an hour ago: kept
    await start();
    expect(readdirSync(dir)).toContain(path.basename(issued.file));
    clock = issued.expiresAt + 61 * 60_000;
    await start();
    expect(readdirSync(dir)).not.toContain(path.basename(issued.file));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['clawchat-current.sec', 'notes.txt']));
    expect(lines.some((l) => l.includes(`removed ${issued.file} (expired)`))).toBe(true);
  });

  test('rotate-identity (reset): issued .sec files, sealed for the old identity, are removed at once; a new current .sec is written', async () => {
    const book = await start();
    const issued = await book.issueOnDemand();
    const before = readFileSync(book.secPath);
    await book.reset(generateBootstrapKey(), generateX25519KeyPair().publicKey.toString('base64'));
    expect(readdirSync(dir)).not.toContain(path.basename(issued.file));
    expect(readFileSync(book.secPath).equals(before)).toBe(false);
    expect(lines.some((l) => l.includes(`removed ${issued.file} (sealed for the previous relay identity)`))).toBe(true);
  });
});
