/** Where the relay is: `host:port` parsing (--relay), name resolution, and which local address to bind. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConnectError } from './connect-error';

export interface RelayAddress {
  /** Numeric address datagrams go to. */
  address: string;
  port: number;
  /** Local address to bind: loopback for a loopback relay (nothing else can reach it), else any. */
  bindHost: string;
}

/** `host:port` as a person reads it (IPv6 in brackets). */
export function relayLabel(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses `host:port`, `[v6]:port`; null when it is not one. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+):(\d+)$/.exec(text);
  if (!match) return null;
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: match[1], port };
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

export async function resolveRelayAddress(host: string, port: number): Promise<RelayAddress> {
  let address = host;
  if (isIP(host) === 0) {
    try {
      address = (await lookup(host)).address;
    } catch {
      throw new ConnectError('UNREACHABLE', `cannot resolve the relay host ${host} — check the name, or pass --relay with an IP address`);
    }
  }
  const v6 = isIP(address) === 6;
  const bindHost = isLoopback(address) ? (v6 ? '::1' : '127.0.0.1') : v6 ? '::' : '0.0.0.0';
  return { address, port, bindHost };
}
