import { randomBytes } from 'node:crypto';
import { generateBootstrapKey } from './bootstrap-key';
import { HEADER_BYTES, OFFSET_EXPIRES_AT, OFFSET_KDF, OFFSET_NONCE, OFFSET_SALT, OFFSET_SEALED_LENGTH } from './constants';
import { SecError, type SecErrorCode } from './errors';
import type { SecBody } from './sec-body';
import { openSec, readSecHeader, sealSec, sealSecPayload } from './sec-format';

const key = generateBootstrapKey();
const issuedAt = 1_700_000_000_000;

function makeBody(overrides: Partial<SecBody> = {}): SecBody {
  return {
    v: 1,
    relays: [
      { host: '203.0.113.7', port: 51820 },
      { host: '2001:db8::7', port: 51820 },
    ],
    relayPublicKey: randomBytes(32).toString('base64'),
    ticketId: randomBytes(16).toString('base64url'),
    psk: randomBytes(32).toString('base64'),
    issuedAt,
    expiresAt: issuedAt + 11 * 60_000,
    protocol: 1,
    ...overrides,
  };
}

function codeOf(fn: () => unknown): SecErrorCode | 'no error' | 'other error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof SecError ? error.code : 'other error';
  }
}

function flipBit(buf: Buffer, offset: number, bit = 0): Buffer {
  const copy = Buffer.from(buf);
  copy[offset] ^= 1 << bit;
  return copy;
}

describe('sealSec / openSec', () => {
  it('round-trips the body', () => {
    const body = makeBody();
    const sealed = sealSec(body, key);
    expect(sealed.subarray(0, 7).toString('ascii')).toBe('CLAWSEC');
    expect(openSec(sealed, key)).toEqual(body);
  });

  it('uses a fresh salt and nonce every time', () => {
    const body = makeBody();
    const a = sealSec(body, key);
    const b = sealSec(body, key);
    expect(a.subarray(OFFSET_SALT, OFFSET_NONCE).equals(b.subarray(OFFSET_SALT, OFFSET_NONCE))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('does not put secrets in the clear', () => {
    const body = makeBody();
    const sealed = sealSec(body, key);
    for (const secret of [body.psk, body.ticketId, body.relayPublicKey]) {
      expect(sealed.includes(Buffer.from(secret))).toBe(false);
    }
    expect(sealed.includes(Buffer.from(body.psk, 'base64'))).toBe(false);
  });

  it('works with a passphrase (scrypt) and records the kdf', () => {
    const passphrase = 'a long enough passphrase';
    const body = makeBody();
    const sealed = sealSec(body, passphrase);
    expect(sealed[OFFSET_KDF]).toBe(1);
    expect(sealSec(body, key)[OFFSET_KDF]).toBe(0);
    expect(openSec(sealed, passphrase)).toEqual(body);
    expect(codeOf(() => openSec(sealed, 'another long passphrase'))).toBe('WRONG_KEY_OR_TAMPERED');
    // A generated key against a passphrase-sealed file is refused without running scrypt.
    expect(codeOf(() => openSec(sealed, key))).toBe('WRONG_KEY_OR_TAMPERED');
  });

  it('refuses to seal an invalid body', () => {
    expect(codeOf(() => sealSec(makeBody({ psk: 'short' }), key))).toBe('MALFORMED_BODY');
  });
});

describe('readSecHeader', () => {
  it('reads version and expiry without the key', () => {
    const body = makeBody();
    expect(readSecHeader(sealSec(body, key))).toEqual({ version: 1, expiresAt: body.expiresAt });
  });

  it('reports structural problems without the key', () => {
    const sealed = sealSec(makeBody(), key);
    expect(codeOf(() => readSecHeader(sealed.subarray(0, 20)))).toBe('TRUNCATED');
    expect(codeOf(() => readSecHeader(Buffer.from('{"json": true}')))).toBe('NOT_A_SEC_FILE');
  });
});

describe('errors are distinct', () => {
  const body = makeBody();
  const sealed = sealSec(body, key);

  it('TRUNCATED at every length short of the full file', () => {
    for (let length = 0; length < sealed.length; length += 1) {
      const cut = sealed.subarray(0, length);
      expect([length, codeOf(() => openSec(cut, key))]).toEqual([length, 'TRUNCATED']);
    }
  });

  it('NOT_A_SEC_FILE for other files', () => {
    expect(codeOf(() => openSec(Buffer.from('CLAWSAC' + 'x'.repeat(100)), key))).toBe('NOT_A_SEC_FILE');
    expect(codeOf(() => openSec(Buffer.from('hello'), key))).toBe('NOT_A_SEC_FILE');
    expect(codeOf(() => openSec(flipBit(sealed, 0), key))).toBe('NOT_A_SEC_FILE');
  });

  it('UNKNOWN_VERSION for another format version', () => {
    const v2 = Buffer.from(sealed);
    v2[7] = 2;
    expect(codeOf(() => openSec(v2, key))).toBe('UNKNOWN_VERSION');
    expect(codeOf(() => readSecHeader(v2))).toBe('UNKNOWN_VERSION');
    // Even a short file of an unknown version says "unknown version": its layout may differ.
    expect(codeOf(() => openSec(v2.subarray(0, 9), key))).toBe('UNKNOWN_VERSION');
  });

  it('WRONG_KEY_OR_TAMPERED for the wrong key', () => {
    expect(codeOf(() => openSec(sealed, generateBootstrapKey()))).toBe('WRONG_KEY_OR_TAMPERED');
  });

  it('WRONG_KEY_OR_TAMPERED for a flipped bit anywhere in the authenticated header (right key)', () => {
    const offsets = [OFFSET_EXPIRES_AT + 7, OFFSET_EXPIRES_AT, OFFSET_KDF, OFFSET_SALT, OFFSET_SALT + 15, OFFSET_NONCE, OFFSET_NONCE + 11];
    for (const offset of offsets) {
      for (const bit of [0, 7]) {
        expect([offset, bit, codeOf(() => openSec(flipBit(sealed, offset, bit), key))]).toEqual([offset, bit, 'WRONG_KEY_OR_TAMPERED']);
      }
    }
  });

  it('a changed expiry in the header cannot be used to extend a ticket', () => {
    const extended = Buffer.from(sealed);
    extended.writeBigUInt64BE(BigInt(body.expiresAt + 3_600_000), OFFSET_EXPIRES_AT);
    expect(readSecHeader(extended).expiresAt).toBe(body.expiresAt + 3_600_000); // the picker can be fooled…
    expect(codeOf(() => openSec(extended, key))).toBe('WRONG_KEY_OR_TAMPERED'); // …but the file won't open
  });

  it('WRONG_KEY_OR_TAMPERED for a flipped bit in the ciphertext or tag, or bytes appended', () => {
    for (const offset of [HEADER_BYTES, HEADER_BYTES + 10, sealed.length - 17, sealed.length - 1]) {
      expect([offset, codeOf(() => openSec(flipBit(sealed, offset), key))]).toEqual([offset, 'WRONG_KEY_OR_TAMPERED']);
    }
    expect(codeOf(() => openSec(Buffer.concat([sealed, Buffer.from([0])]), key))).toBe('WRONG_KEY_OR_TAMPERED');
  });

  it('a shrunk sealed-length field is caught (header authenticated)', () => {
    const shorter = Buffer.from(sealed);
    shorter.writeUInt32BE(sealed.readUInt32BE(OFFSET_SEALED_LENGTH) - 1, OFFSET_SEALED_LENGTH);
    expect(codeOf(() => openSec(shorter.subarray(0, sealed.length - 1), key))).toBe('WRONG_KEY_OR_TAMPERED');
  });

  it('MALFORMED_BODY for a well-sealed body that is not JSON or not a valid body', () => {
    const expiresAt = body.expiresAt;
    expect(codeOf(() => openSec(sealSecPayload(Buffer.from('{not json'), expiresAt, key), key))).toBe('MALFORMED_BODY');
    const invalid: unknown[] = [
      { ...body, v: 2 },
      { ...body, protocol: 2 },
      { ...body, relays: [] },
      { ...body, relays: [{ host: '', port: 1 }] },
      { ...body, relays: [{ host: 'relay.example', port: 70000 }] },
      { ...body, relays: [{ host: 'relay.example', port: '51820' }] },
      { ...body, relayPublicKey: randomBytes(31).toString('base64') },
      { ...body, ticketId: randomBytes(16).toString('base64') + '==' },
      { ...body, ticketId: randomBytes(15).toString('base64url') },
      { ...body, psk: randomBytes(33).toString('base64') },
      { ...body, psk: 42 },
      { ...body, issuedAt: 'yesterday' },
      { ...body, issuedAt: body.expiresAt + 1 },
      { ...body, extra: true },
      [body],
      null,
    ];
    for (const candidate of invalid) {
      const sealedBad = sealSecPayload(Buffer.from(JSON.stringify(candidate)), expiresAt, key);
      expect([candidate, codeOf(() => openSec(sealedBad, key))]).toEqual([candidate, 'MALFORMED_BODY']);
    }
    // Header and body must agree on expiry.
    const mismatch = sealSecPayload(Buffer.from(JSON.stringify(body)), expiresAt + 1, key);
    expect(codeOf(() => openSec(mismatch, key))).toBe('MALFORMED_BODY');
  });

  it('each message is one line, names the file, and says what to do', () => {
    try {
      openSec(sealed, generateBootstrapKey());
    } catch (error) {
      expect((error as Error).message).toBe(
        'cannot decrypt clawchat-current.sec: wrong bootstrap key or the file was modified — check CLAWCHAT_BOOTSTRAP_KEY',
      );
    }
    const messages = new Set<string>();
    const cases: Buffer[] = [sealed.subarray(0, 30), Buffer.from('nope'), flipBit(sealed, 7, 1), flipBit(sealed, HEADER_BYTES)];
    for (const bad of cases) {
      try {
        openSec(bad, key, 'laptop.sec');
      } catch (error) {
        const message = (error as Error).message;
        expect(message).not.toContain('\n');
        expect(message).toContain('laptop.sec');
        expect(message).toContain(' — ');
        messages.add(message);
      }
    }
    expect(messages.size).toBe(cases.length);
  });
});
