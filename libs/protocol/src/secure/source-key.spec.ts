import { sourceKey } from './source-key';

test('an IPv4 address is its own source, also when IPv4-mapped', () => {
  expect(sourceKey('192.0.2.10')).toBe('192.0.2.10');
  expect(sourceKey('::ffff:192.0.2.10')).toBe('192.0.2.10');
  expect(sourceKey('::FFFF:192.0.2.10')).toBe('192.0.2.10');
});

test('every address of one IPv6 /64 is one source, however it is written', () => {
  const same = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0db8:0001:0002:0:0:0:9', '2001:DB8:1:2::abcd', '2001:db8:1:2::1%eth0'];
  for (const a of same) expect(sourceKey(a)).toBe('2001:db8:1:2::/64');
  expect(sourceKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  expect(sourceKey('::1')).toBe('0:0:0:0::/64');
  expect(sourceKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  expect(sourceKey('::2001:db8:1:2:3')).toBe('0:0:0:2001::/64');
  expect(sourceKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
});
