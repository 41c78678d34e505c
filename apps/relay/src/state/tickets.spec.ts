import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { generateBootstrapKey } from '@clawchat/security-file';
import { createLogger } from '../log';
import { TicketBook } from './tickets';

test('a damaged tickets.json is logged by name only (it holds PSKs) and a fresh .sec is written', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-tickets-'));
  const lines: string[] = [];
  const secret = 'c2VjcmV0LXBzay1ieXRlcy1zZWNyZXQtcHNr';
  writeFileSync(path.join(dir, 'tickets.json'), `{"v":1,"tickets":[{"psk":${secret}}]}`);
  const tickets = new TicketBook({
    securityDir: dir,
    bootstrapKey: generateBootstrapKey(),
    relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
    endpoints: [{ host: '127.0.0.1', port: 50000 }],
    log: createLogger('test', { write: (line) => lines.push(line) }),
    now: () => Date.parse('2026-11-25T12:00:00Z'),
  });
  try {
    await tickets.start();
    const warning = lines.find((l) => l.includes('ticket state unreadable'));
    expect(warning).toMatch(/tickets\.json is damaged \(not valid JSON\)/);
    expect(lines.join('\n')).not.toContain(secret.slice(0, 8));
    expect(readFileSync(tickets.secPath).length).toBeGreaterThan(0);
  } finally {
    tickets.stop();
    await tickets.flushed();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a consumed ticket is on disk before consume() returns: a crash right after cannot revive the .sec', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-tickets-'));
  const options = {
    securityDir: dir,
    bootstrapKey: generateBootstrapKey(),
    relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
    endpoints: [{ host: '127.0.0.1', port: 50000 }],
    log: createLogger('test', { write: () => undefined }),
    now: () => Date.parse('2026-11-25T12:00:00Z'),
  };
  const tickets = new TicketBook(options);
  try {
    await tickets.start();
    const state = JSON.parse(readFileSync(path.join(dir, 'tickets.json'), 'utf8')) as { currentTicketId: string };
    expect(tickets.consume(state.currentTicketId)).toBe('OK');
    // A relay started from what is on disk at this instant (as after kill -9) refuses the ticket.
    const restarted = new TicketBook(options);
    expect(restarted.check(state.currentTicketId)).not.toBe('OK');
  } finally {
    tickets.stop();
    await tickets.flushed();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('.sec files written by issue are removed an hour after they expired; clawchat-current.sec stays', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-tickets-'));
  let clock = Date.parse('2026-11-25T12:00:00Z');
  const lines: string[] = [];
  const options = {
    securityDir: dir,
    bootstrapKey: generateBootstrapKey(),
    relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
    endpoints: [{ host: '127.0.0.1', port: 50000 }],
    log: createLogger('test', { write: (line: string) => lines.push(line) }),
    now: () => clock,
  };
  const tickets = new TicketBook(options);
  try {
    await tickets.start();
    const issued = await tickets.issueOnDemand();
    writeFileSync(path.join(dir, 'notes.txt'), 'not a .sec');
    tickets.stop();
    clock = issued.expiresAt + 30 * 60_000; // expired half an hour ago: kept
    const meanwhile = new TicketBook(options);
    await meanwhile.start();
    meanwhile.stop();
    await meanwhile.flushed();
    expect(readdirSync(dir)).toContain(path.basename(issued.file));
    clock = issued.expiresAt + 61 * 60_000;
    const later = new TicketBook(options);
    await later.start();
    later.stop();
    await later.flushed();
    expect(readdirSync(dir)).not.toContain(path.basename(issued.file));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['clawchat-current.sec', 'notes.txt']));
    expect(lines.some((l) => l.includes(`removed ${issued.file} (expired)`))).toBe(true);
  } finally {
    tickets.stop();
    await tickets.flushed();
    rmSync(dir, { recursive: true, force: true });
  }
});
