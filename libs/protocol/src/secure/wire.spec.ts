import { randomBytes } from 'node:crypto';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { CLIENT_PATTERN, CredentialKind, TIMESTAMP_GRANULE_NS } from './constants';
import { InitiatorEndpoint, ResponderEndpoint, type ResponderPolicy } from './endpoint';
import { initNoiseSize, readInitiation } from './handshake';
import { nextTai64n, parseInit, tai64n } from './wire';

const seconds = (t: Buffer) => t.readBigUInt64BE(0) - (2n ** 62n + 10n);
const nanos = (t: Buffer) => t.readUInt32BE(8);

describe('initiation timestamps are whitened (WireGuard: nanoseconds rounded down to 2^24 ns)', () => {
  test('the nanoseconds are a whole number of granules, never more than the clock', () => {
    const noon = Date.UTC(2026, 10, 25, 12, 0, 0);
    for (const ms of [0, 1, 16, 17, 123, 500, 999, 999.999]) {
      const t = tai64n(noon + ms);
      expect(seconds(t)).toBe(BigInt(noon / 1000));
      expect(nanos(t) % TIMESTAMP_GRANULE_NS).toBe(0);
      expect(nanos(t)).toBeLessThanOrEqual(ms * 1e6);
      expect(ms * 1e6 - nanos(t)).toBeLessThan(TIMESTAMP_GRANULE_NS);
    }
    // Within one granule the exact instant is not told apart.
    expect(tai64n(noon + 1)).toEqual(tai64n(noon + 16));
    expect(Buffer.compare(tai64n(noon + 17), tai64n(noon + 16))).toBe(1);
  });

  test('the next granule carries into the seconds at the end of a second', () => {
    const noon = Date.UTC(2026, 10, 25, 12, 0, 0);
    const last = tai64n(noon + 999); // 59 × 2^24 ns
    expect(nanos(last)).toBe(59 * TIMESTAMP_GRANULE_NS);
    const next = nextTai64n(last);
    expect(seconds(next)).toBe(BigInt(noon / 1000) + 1n);
    expect(nanos(next)).toBe(0);
    expect(nanos(nextTai64n(tai64n(noon)))).toBe(TIMESTAMP_GRANULE_NS);
  });

  test('initiations within one granule (quick re-dials, a retry after a cookie) still grow, and the responder takes each', () => {
    const relayStatic = generateX25519KeyPair();
    const device = generateX25519KeyPair();
    const resumptionId = randomBytes(16);
    const psk = randomBytes(32);
    const policy: ResponderPolicy = {
      pskFor: (kind, id) => (kind === CredentialKind.RESUMPTION && id.equals(resumptionId) ? psk : undefined),
      admit: () => ({ resumptionId: randomBytes(16) }),
      confirmed: () => undefined,
    };
    const relay = new ResponderEndpoint({ pattern: CLIENT_PATTERN, identity: relayStatic.publicKey, localStatic: relayStatic, policy, now: 0 });
    const frozen = Date.UTC(2026, 10, 25, 12, 0, 0, 5); // the clock does not move between the dials
    const stamps: Buffer[] = [];
    const sent: Buffer[] = [];
    for (let dial = 0; dial < 4; dial++) {
      const client = new InitiatorEndpoint({
        pattern: CLIENT_PATTERN,
        remote: { address: '10.0.0.1', port: 50000 },
        identity: relayStatic.publicKey,
        remoteStatic: relayStatic.publicKey,
        localStatic: device,
        kind: CredentialKind.RESUMPTION,
        credentialId: resumptionId,
        psk,
        deviceName: 'laptop',
        now: dial,
        wallClock: () => frozen,
      });
      const [init] = client.flush(dial);
      sent.push(init.data);
      const parsed = parseInit(init.data, initNoiseSize(CLIENT_PATTERN));
      stamps.push(readInitiation(CLIENT_PATTERN, parsed as NonNullable<typeof parsed>, psk, relayStatic).timestamp);
      relay.receive(init.data, { address: '10.0.0.2', port: 40000 }, dial);
      expect(relay.flush(dial).some((d) => d.data[0] === 2)).toBe(true); // answered: not taken for a replay
    }
    expect(relay.drops.replayedInitiation).toBe(0);
    for (let i = 1; i < stamps.length; i++) expect(Buffer.compare(stamps[i], stamps[i - 1])).toBe(1);
    for (const t of stamps) expect(nanos(t) % TIMESTAMP_GRANULE_NS).toBe(0);
    // A replayed initiation is still refused.
    relay.receive(sent[1], { address: '10.0.0.2', port: 40000 }, 10);
    expect(relay.flush(10)).toEqual([]);
    expect(relay.drops.replayedInitiation).toBe(1);
  });
});
