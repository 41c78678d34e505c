/**
 * The unit a responder counts per-source limits in (handshake tokens, half-open handshakes): an IPv4
 * address, or an IPv6 /64. One subscriber usually holds a whole /64, so counting single IPv6 addresses
 * would let one host mint a fresh "source" for every packet.
 */
import { isIPv4, isIPv6 } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

export function sourceKey(address: string): string {
  const plain = address.split('%')[0]; // a zone id (fe80::1%eth0) does not change the host
  const mapped = MAPPED_IPV4.exec(plain);
  if (mapped) return mapped[1];
  if (isIPv4(plain) || !isIPv6(plain)) return plain;
  return `${ipv6Groups(plain).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lowercase hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parts = (s: string | undefined) => (s ? s.split(':') : []);
  // A trailing dotted IPv4 (::1.2.3.4) fills two groups; it is never in the first 64 bits we keep.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const h = parts(head);
  const t = parts(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<string>(8 - width(h) - width(t)).fill('0'), ...t];
  return groups.map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)));
}
