#!/usr/bin/env node
// An attacker for the namespace tests: garbage datagrams and forged handshake initiations at a relay.
// Runs inside the attacker namespace, where a whole address block is local (an AnyIP route), so plain
// UDP sockets bound to many addresses stand in for spoofed sources; node:dgram cannot forge headers.
//
//   node tools/net/flood.mjs --target 10.231.2.2:PORT --garbage 50000 --spoofed 5000
//        [--sources 10.231.128.0/17] [--source-count 1000] [--rate 15000]
//
// Sends exactly the counts asked for (a bounded loop that stops by itself), paced at --rate datagrams
// per second so the numbers measure the relay, not the kernel's receive buffer, and prints one JSON
// line with what was sent.
import { randomBytes, randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A handshake initiation of the client pattern (IKpsk2) is this long; docs/protocol.md §Packets. */
const INIT_SIZE = 228;
const HANDSHAKE_INIT = 1;
const DATA = 4;
/** Sockets open at once while walking the spoofed sources (stays far below the fd limit). */
const OPEN_SOCKETS = 64;

function parseArgs(argv) {
  const o = { garbage: 0, spoofed: 0, sources: '10.231.128.0/17', sourceCount: 1000, rate: 15000, target: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--target') o.target = value;
    else if (flag === '--garbage') o.garbage = Number(value);
    else if (flag === '--spoofed') o.spoofed = Number(value);
    else if (flag === '--sources') o.sources = value;
    else if (flag === '--source-count') o.sourceCount = Number(value);
    else if (flag === '--rate') o.rate = Number(value);
    else throw new Error(`unknown option ${flag}`);
  }
  const m = /^(.+):(\d+)$/.exec(o.target);
  if (!m) throw new Error('--target HOST:PORT is required');
  o.host = m[1];
  o.port = Number(m[2]);
  return o;
}

/** `count` distinct addresses spread over an IPv4 block (skipping its network address). */
function addressesIn(cidr, count) {
  const [base, bits] = cidr.split('/');
  const start = base.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const size = 2 ** (32 - Number(bits));
  if (count > size - 2) throw new Error(`${cidr} has fewer than ${count} addresses`);
  const step = Math.floor((size - 2) / count);
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = start + 1 + i * step;
    out.push([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return out;
}

/**
 * Random bytes of random length. A third are dressed as data packets (type, reserved bytes, a small
 * counter) so they pass the header parse and cost the relay an index lookup (unknownIndex); the rest
 * fail the parse (malformed).
 */
function garbageDatagram() {
  const buf = randomBytes(randomInt(0, 1300));
  if (buf.length >= 32 && randomInt(3) === 0) {
    buf[0] = DATA;
    buf.fill(0, 1, 4);
    buf.fill(0, 8, 12);
  }
  return buf;
}

/** Looks like an initiation (type, length, zero reserved bytes) but every byte after is random. */
function forgedInitiation() {
  const buf = randomBytes(INIT_SIZE);
  buf[0] = HANDSHAKE_INIT;
  buf[2] = 0;
  buf[3] = 0;
  return buf;
}

function bind(socket, address) {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address, port: 0, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function send(socket, data, o) {
  return new Promise((resolve) => socket.send(data, o.port, o.host, (err) => resolve(err ? 0 : 1)));
}

/** Paces sends to `rate` per second: after each batch, waits until the schedule catches up. */
function pacer(rate) {
  const started = performance.now();
  let sent = 0;
  return async (n) => {
    sent += n;
    const due = started + (sent / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
  };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const pace = pacer(o.rate);
  const result = { garbage: 0, spoofed: 0, sources: 0, failed: 0 };

  // Garbage from the attacker's own address; each batch awaited so nothing piles up in memory.
  const own = dgram.createSocket('udp4');
  await bind(own, undefined);
  for (let i = 0; i < o.garbage; i += 100) {
    const batch = Math.min(100, o.garbage - i);
    const sent = await Promise.all(Array.from({ length: batch }, () => send(own, garbageDatagram(), o)));
    for (const ok of sent) result[ok ? 'garbage' : 'failed']++;
    await pace(batch);
  }
  own.close();

  // Forged initiations spread evenly over many source addresses.
  const sources = addressesIn(o.sources, Math.min(o.sourceCount, o.spoofed));
  const perSource = sources.map((_, i) => Math.floor(o.spoofed / sources.length) + (i < o.spoofed % sources.length ? 1 : 0));
  for (let i = 0; i < sources.length; i += OPEN_SOCKETS) {
    const group = sources.slice(i, i + OPEN_SOCKETS);
    const sockets = group.map(() => dgram.createSocket('udp4'));
    await Promise.all(sockets.map((s, k) => bind(s, group[k])));
    result.sources += group.length;
    let batch = 0;
    const sent = await Promise.all(
      sockets.flatMap((s, k) => {
        batch += perSource[i + k];
        return Array.from({ length: perSource[i + k] }, () => send(s, forgedInitiation(), o));
      }),
    );
    for (const ok of sent) result[ok ? 'spoofed' : 'failed']++;
    for (const s of sockets) s.close();
    await pace(batch);
  }

  result.ms = Math.round(performance.now() - started);
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err) => {
  process.stderr.write(`flood: ${err.message}\n`);
  process.exit(1);
});
