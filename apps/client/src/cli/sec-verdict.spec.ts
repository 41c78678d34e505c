import type { SecRecord } from '../connection/sec-history';
import { expiredNote, secVerdict, verdictNote, verdictRefusal } from './sec-verdict';

const MIN = 60_000;
const now = 100 * MIN;
const rec = (outcome: SecRecord['outcome'], over: Partial<SecRecord> = {}): SecRecord => ({
  digest: 'd',
  ticketId: 't',
  relayPublicKey: 'K',
  outcome,
  at: now - 2 * 60 * MIN,
  expiresAt: now + 5 * MIN,
  ...over,
});
const note = (f: Parameters<typeof secVerdict>[0]) => verdictNote(secVerdict(f, now), now);
const refusal = (f: Parameters<typeof secVerdict>[0], graceMs = MIN, holds = false) => verdictRefusal(secVerdict(f, now, graceMs), 'x.sec', now, holds);

test('the picker note says why a file cannot connect: unreadable, used here, refused by the relay, expired', () => {
  expect(note({ expiresAt: now + 9 * MIN })).toBe('expires in 9m');
  expect(note({})).toBe('');
  expect(note({ problem: 'cut short' })).toBe('unreadable');
  expect(note({ expiresAt: now - 12 * MIN })).toBe('expired 12m ago');
  expect(note({ expiresAt: now + 5 * MIN, record: rec('used') })).toBe('already used by this device 2h00m ago');
  expect(note({ expiresAt: now - 5 * MIN, record: rec('used') })).toBe('already used by this device 2h00m ago');
  expect(note({ expiresAt: now + 5 * MIN, record: rec('used-elsewhere') })).toBe('already used by another device');
  expect(note({ expiresAt: now + 5 * MIN, record: rec('revoked') })).toBe('revoked by the compromise procedure');
  // The relay said expired although this computer's clock does not (yet) agree.
  expect(note({ expiresAt: now + 5 * MIN, record: rec('expired') })).toBe('expired (by the relay’s clock)');
  expect(note({ expiresAt: now - 5 * MIN, record: rec('expired', { expiresAt: now - 5 * MIN }) })).toBe('expired 5m ago');
  expect(secVerdict({ expiresAt: now + 1 }, now).usable).toBe(true);
  expect(secVerdict({ expiresAt: now }, now).usable).toBe(false);
});

test("before dialling: used here or refused before, one line each; expired by this computer's clock only a note (the relay's clock decides)", () => {
  expect(refusal({ expiresAt: now + 5 * MIN })).toBeUndefined();
  expect(refusal({ expiresAt: now - 12 * MIN })).toBeUndefined();
  expect(expiredNote(secVerdict({ expiresAt: now - 12 * MIN }, now, MIN), 'x.sec', now)).toBe(
    "x.sec looks expired by this computer's clock (12m ago); trying anyway, the relay's clock decides",
  );
  expect(expiredNote(secVerdict({ expiresAt: now - 30_000 }, now, MIN), 'x.sec', now)).toBeUndefined(); // within the grace: not even a note
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('used') })).toMatch(
    /^x\.sec was already used by this device 2h00m ago \(each \.sec connects once\) — copy the newest clawchat-current\.sec/,
  );
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('used') }, MIN, true)).toMatch(/already used by this device .* leave the \.sec out and it reconnects/);
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('used-elsewhere') })).toMatch(/^this \.sec was already used by another device/);
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('revoked') })).toMatch(/^this \.sec was revoked/);
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('expired') })).toMatch(/^this \.sec has expired/);
  expect(refusal({ problem: 'x' })).toBeUndefined(); // reading the file reports that one
});

test('"just now" rather than a bare "now" inside a sentence', () => {
  expect(note({ expiresAt: now + 5 * MIN, record: rec('used', { at: now }) })).toBe('already used by this device just now');
  expect(refusal({ expiresAt: now + 5 * MIN, record: rec('used', { at: now - 200 }) })).toMatch(/^x\.sec was already used by this device just now \(/);
});
