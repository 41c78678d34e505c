import { SEC_HISTORY_KEEP_MS, SEC_HISTORY_MAX_FILES, SEC_HISTORY_MAX_RETIRED_RELAYS } from './constants';
import {
  emptySecHistory,
  findRetiredRelay,
  findSecRecord,
  parseSecHistory,
  secDigest,
  serializeSecHistory,
  withRetiredRelay,
  withSecRecord,
  type SecRecord,
} from './sec-history';

const record = (n: number, over: Partial<SecRecord> = {}): SecRecord => ({
  digest: `d${n}`,
  ticketId: `t${n}`,
  relayPublicKey: 'K',
  outcome: 'used',
  at: n,
  expiresAt: 1_000_000 + n,
  ...over,
});

test('a file is recognised by the SHA-256 of its bytes', () => {
  expect(secDigest(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('records round-trip; the newest comes first and replaces the same file or the same ticket', () => {
  let h = withSecRecord(emptySecHistory(), record(1), 0);
  h = withSecRecord(h, record(2), 0);
  h = withSecRecord(h, record(3, { digest: 'd1', outcome: 'used-elsewhere' }), 0); // same file, new verdict
  h = withSecRecord(h, record(4, { ticketId: 't2' }), 0); // same ticket sealed in another file
  expect(h.secs.map((r) => [r.digest, r.ticketId])).toEqual([
    ['d4', 't2'],
    ['d1', 't3'],
  ]);
  const back = parseSecHistory(serializeSecHistory(h));
  expect(back).toEqual(h);
  expect(findSecRecord(back, { digest: 'd1' })?.outcome).toBe('used-elsewhere');
  expect(findSecRecord(back, { ticketId: 't2' })?.digest).toBe('d4');
  expect(findSecRecord(back, { digest: 'nope', ticketId: 'nope' })).toBeUndefined();
  expect(findSecRecord(back, {})).toBeUndefined();
});

test('records are forgotten a month after their .sec expired, and bounded in number', () => {
  const old = record(1, { expiresAt: 0 });
  const h = withSecRecord(withSecRecord(emptySecHistory(), old, 0), record(2), SEC_HISTORY_KEEP_MS + 1);
  expect(h.secs.map((r) => r.digest)).toEqual(['d2']);
  let many = emptySecHistory();
  for (let i = 0; i < SEC_HISTORY_MAX_FILES + 5; i++) many = withSecRecord(many, record(i), 0);
  expect(many.secs).toHaveLength(SEC_HISTORY_MAX_FILES);
  expect(many.secs[0].digest).toBe(`d${SEC_HISTORY_MAX_FILES + 4}`);
});

test('retired relay keys: one entry per key, most recent first, bounded', () => {
  let h = withRetiredRelay(emptySecHistory(), 'A', 1);
  h = withRetiredRelay(h, 'B', 2);
  h = withRetiredRelay(h, 'A', 3);
  expect(h.retiredRelays).toEqual([
    { relayPublicKey: 'A', at: 3 },
    { relayPublicKey: 'B', at: 2 },
  ]);
  expect(findRetiredRelay(h, 'B')?.at).toBe(2);
  expect(findRetiredRelay(h, 'C')).toBeUndefined();
  for (let i = 0; i < 40; i++) h = withRetiredRelay(h, `k${i}`, i);
  expect(h.retiredRelays).toHaveLength(SEC_HISTORY_MAX_RETIRED_RELAYS);
});

test('reading is lenient: not JSON, another version or odd entries give what is usable, never an error', () => {
  expect(parseSecHistory('{"version":1,"secs":[')).toEqual(emptySecHistory());
  expect(parseSecHistory('{"version":2,"secs":[]}')).toEqual(emptySecHistory());
  expect(parseSecHistory('null')).toEqual(emptySecHistory());
  const mixed = JSON.stringify({ version: 1, secs: [record(1), { digest: 'x' }, record(2, { outcome: 'stolen' as never })], retiredRelays: [{ relayPublicKey: 'A', at: 1 }, 'junk'] });
  expect(parseSecHistory(mixed)).toEqual({ secs: [record(1)], retiredRelays: [{ relayPublicKey: 'A', at: 1 }] });
});
