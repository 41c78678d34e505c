import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBootstrapKey, writeSecFile, type SecBody } from '@clawchat/security-file';
import { CredentialStore } from '../connection/credential-store';
import { secDigest } from '../connection/sec-history';
import { openConnection } from './open-connection';

const MIN = 60_000;
const NOW = 1_000 * MIN;
const RELAY_KEY = Buffer.alloc(32, 1).toString('base64');

const body = (expiresAt: number, ticket = 2): SecBody => ({
  v: 1,
  relays: [{ host: '127.0.0.1', port: 9 }],
  relayPublicKey: RELAY_KEY,
  ticketId: Buffer.alloc(16, ticket).toString('base64url'),
  psk: Buffer.alloc(32, 3).toString('base64'),
  issuedAt: expiresAt - 11 * MIN,
  expiresAt,
  protocol: 1,
});

/** Stands for "went on to dial": the key prompt is the last step before the handshake that these tests can observe. */
class Dialled extends Error {}

describe('openConnection with a .sec this device knows cannot connect', () => {
  let dir: string;
  let store: CredentialStore;
  let prompts: string[];
  let notes: string[];
  const key = generateBootstrapKey();
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'clawchat-open-'));
    store = new CredentialStore(join(dir, 'state'));
    prompts = [];
    notes = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (sec: string, env: NodeJS.ProcessEnv = {}) =>
    openConnection({
      sec,
      env,
      store,
      maxReconnectAttempts: 1,
      now: () => NOW,
      prompt: async (q) => {
        prompts.push(q);
        throw new Dialled();
      },
      onDial: () => {
        throw new Dialled();
      },
      onNote: (line) => notes.push(line),
    }).catch((e: unknown) => e);

  test("a .sec expired by this computer's clock is still tried, with a note: the relay's clock decides (spec/transport.md)", async () => {
    // A laptop whose clock runs two hours fast (a dual-boot machine reading the hardware clock as UTC).
    const sec = join(dir, 'clawchat-current.sec');
    await writeSecFile(sec, body(NOW - 2 * 60 * MIN), key);
    expect(await open(sec)).toBeInstanceOf(Dialled);
    expect(prompts).toHaveLength(1);
    expect(notes).toEqual(["clawchat-current.sec looks expired by this computer's clock (2h00m ago); trying anyway, the relay's clock decides"]);
    // Within a minute of its expiry: not even a note.
    notes.length = 0;
    await writeSecFile(sec, body(NOW - 30_000), key);
    expect(await open(sec)).toBeInstanceOf(Dialled);
    expect(notes).toEqual([]);
  });

  test('a .sec this device used is refused before the key prompt (by its bytes) and after it (by its ticket)', async () => {
    const sec = join(dir, 'laptop.sec');
    await writeSecFile(sec, body(NOW + 5 * MIN), key);
    const record = { digest: secDigest(readFileSync(sec)), ticketId: body(0).ticketId, relayPublicKey: RELAY_KEY, outcome: 'used' as const, at: NOW - 3 * MIN, expiresAt: NOW + 5 * MIN };
    await store.rememberSec(record);
    expect(await open(sec)).toMatchObject({ kind: 'TICKET', message: expect.stringMatching(/^laptop\.sec was already used by this device 3m ago .* copy the newest clawchat-current\.sec/) });
    expect(prompts).toEqual([]);
    // Still holding the credential for that relay: the way forward is to leave the .sec out.
    await store.saveRelay({ host: '127.0.0.1', port: 9, relayPublicKey: RELAY_KEY, resumptionId: 'AAAAAAAAAAAAAAAAAAAAAA', resumptionPsk: Buffer.alloc(32).toString('base64'), savedAt: 1 });
    expect(await open(sec)).toMatchObject({ message: expect.stringMatching(/leave the \.sec out and it reconnects/) });
    // The same ticket sealed again (other bytes): known once decrypted, still before dialling.
    const again = join(dir, 'again.sec');
    await writeSecFile(again, body(NOW + 5 * MIN), key);
    expect(await open(again, { CLAWCHAT_BOOTSTRAP_KEY: key })).toMatchObject({ kind: 'TICKET', message: expect.stringMatching(/^again\.sec was already used by this device/) });
    // Another ticket is fine.
    const other = join(dir, 'other.sec');
    await writeSecFile(other, body(NOW + 5 * MIN, 9), key);
    expect(await open(other, { CLAWCHAT_BOOTSTRAP_KEY: key })).toBeInstanceOf(Dialled);
  });

  test("a .sec the relay refused before is refused with the relay's reason, without dialling", async () => {
    const sec = join(dir, 'phone.sec');
    await writeSecFile(sec, body(NOW + 5 * MIN), key);
    await store.rememberSec({ digest: secDigest(readFileSync(sec)), ticketId: 'x', relayPublicKey: RELAY_KEY, outcome: 'used-elsewhere', at: NOW - MIN, expiresAt: NOW + 5 * MIN });
    expect(await open(sec)).toMatchObject({ kind: 'TICKET', message: expect.stringMatching(/^this \.sec was already used by another device/) });
    expect(prompts).toEqual([]);
  });

  test('a .sec for a relay key a rotate-identity retired says to fetch the new .sec and bootstrap key', async () => {
    const sec = join(dir, 'issued.sec');
    await writeSecFile(sec, body(NOW + 5 * MIN), key);
    await store.rememberRetiredRelay(RELAY_KEY);
    const err = await open(sec, { CLAWCHAT_BOOTSTRAP_KEY: key });
    expect(err).toMatchObject({ kind: 'TICKET', message: expect.stringMatching(/^issued\.sec was issued before the relay's identity was rotated .* new bootstrap key/) });
    // With the relay's new key the old file does not even open: the usual line, plus the rotation.
    const wrong = await open(sec, { CLAWCHAT_BOOTSTRAP_KEY: generateBootstrapKey() });
    expect(wrong).toMatchObject({
      kind: 'SEC_FILE',
      message: expect.stringMatching(/^cannot decrypt issued\.sec: wrong bootstrap key or the file was modified — check CLAWCHAT_BOOTSTRAP_KEY \(the relay's identity was rotated .*cannot connect any more\)$/),
    });
  });

  test('without a rotation seen, a wrong key is the plain one-line error', async () => {
    const sec = join(dir, 'x.sec');
    await writeSecFile(sec, body(NOW + 5 * MIN), key);
    expect(await open(sec, { CLAWCHAT_BOOTSTRAP_KEY: generateBootstrapKey() })).toMatchObject({
      kind: 'SEC_FILE',
      message: 'cannot decrypt x.sec: wrong bootstrap key or the file was modified — check CLAWCHAT_BOOTSTRAP_KEY',
    });
  });
});
