import type { RelayStatus } from './relay';
import { formatStatus, localTimestamp } from './status-format';

test('times read the same in every locale, and a connected device says so instead of a stale "last seen"', () => {
  const at = new Date(2026, 10, 25, 9, 5, 7).getTime(); // local time
  expect(localTimestamp(at)).toBe('2026-11-25 09:05:07');
  const status: RelayStatus = {
    uptimeMs: 65_000,
    listen: '0.0.0.0:51820',
    endpoints: ['relay.example.org:51820'],
    secFile: '/var/lib/clawchat/security/clawchat-current.sec',
    secExpiresAt: at,
    llm: { address: '127.0.0.1:55556', reachable: true },
    clients: [{ sessionId: 1, device: 'laptop', fingerprint: 'aaaa:bbbb:cccc:dddd', address: '203.0.113.9:40000', connectedForMs: 5_000, keyAgeMs: 5_000, nextRekeyInMs: 3_595_000, rttMs: 21 }],
    peers: [
      { device: 'laptop', fingerprint: 'aaaa:bbbb:cccc:dddd', lastSeen: at - 86_400_000 },
      { device: 'phone', fingerprint: '1111:2222:3333:4444', lastSeen: at },
    ],
    drops: { malformed: 0, cookie: 3 },
    handshakes: 4,
  };
  const text = formatStatus(status);
  expect(text).toContain('(valid until 2026-11-25 09:05:07)');
  expect(text).toContain('laptop (aaaa:bbbb:cccc:dddd), connected now');
  expect(text).toContain('phone (1111:2222:3333:4444), last seen 2026-11-25 09:05:07');
  expect(text).toContain('dropped    cookie 3');
  expect(formatStatus({ ...status, secExpiresAt: undefined })).toMatch(/clawchat-current\.sec \(used or expired: .*clawchat-relay issue/);
});
