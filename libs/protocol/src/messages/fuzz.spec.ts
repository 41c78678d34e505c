/**
 * Whatever arrives from the network, the decoders either return a message or throw MessageError —
 * never a TypeError, RangeError or stack overflow that would take down the relay or the server.
 */
import { decodeEnvelope, decodeMessage, encodeMessage } from './codec';
import { MessageError } from './message-error';
import { ALL_FIXTURES, rawFrame } from './test-fixtures';

/** Small seeded PRNG (mulberry32) so a failure reproduces from its iteration number. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ITERATIONS = 10_000;
const encodedFixtures = ALL_FIXTURES.map((msg) => encodeMessage(msg));
const oddValues: unknown[] = [null, true, -1, 0.5, 2 ** 60, '', 'x'.repeat(300), '\u0000', [], [1, [2]], {}, { a: { b: 1 } }, '__proto__', 'A'.repeat(64)];

function randomBuffer(random: () => number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buf[i] = Math.floor(random() * 256);
  return buf;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** One hostile input: pure noise, a truncated or bit-flipped valid message, or a valid frame with a poisoned field. */
function hostileInput(random: () => number): Buffer {
  const base = pick(random, encodedFixtures);
  switch (Math.floor(random() * 5)) {
    case 0:
      return randomBuffer(random, Math.floor(random() * 64));
    case 1:
      return base.subarray(0, Math.floor(random() * base.length));
    case 2: {
      const copy = Buffer.from(base);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
      return copy;
    }
    case 3: {
      const header = JSON.parse(base.subarray(5, 5 + base.readUInt32BE(1)).toString('utf8')) as Record<string, unknown>;
      const keys = Object.keys(header);
      header[random() < 0.8 ? pick(random, keys) : 'extra'] = pick(random, oddValues);
      return rawFrame(header, random() < 0.5 ? base.subarray(5 + base.readUInt32BE(1)) : randomBuffer(random, 3));
    }
    default: {
      // A valid prefix whose header is random printable text.
      const text = Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
      return rawFrame(random() < 0.5 ? `{${text}}` : text);
    }
  }
}

test(`${ITERATIONS} random, truncated and mutated buffers never throw anything but MessageError`, () => {
  const random = prng(0xc1a3);
  let decoded = 0;
  let rejected = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = hostileInput(random);
    for (const decode of [decodeMessage, decodeEnvelope]) {
      try {
        decode(input);
        decoded++;
      } catch (error) {
        if (!(error instanceof MessageError)) throw new Error(`iteration ${i}: ${decode.name} threw ${String(error)}`);
        expect(error.code).toBe('BAD_REQUEST');
        rejected++;
      }
    }
  }
  // Both outcomes happen, so the generator exercises the accept path as well as the reject path.
  expect(decoded).toBeGreaterThan(100);
  expect(rejected).toBeGreaterThan(ITERATIONS);
});

test('a message that decodes always re-encodes to an equal message', () => {
  const random = prng(7);
  for (let i = 0; i < 2_000; i++) {
    const input = hostileInput(random);
    let msg;
    try {
      msg = decodeMessage(input);
    } catch {
      continue;
    }
    expect(decodeMessage(encodeMessage(msg))).toEqual(msg);
  }
});
