import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
