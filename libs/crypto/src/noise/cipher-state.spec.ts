import { aeadOpen, counterNonce } from '../aead';
import { NOISE_MAX_NONCE } from '../constants';
import { NoiseError } from '../errors';
import { CipherState } from './cipher-state';

const key = Buffer.alloc(32, 0x42);
const ad = Buffer.from('ad');

describe('CipherState', () => {
  test('without a key, plaintext passes through (Noise handshake before any DH)', () => {
    const state = new CipherState();
    expect(state.hasKey()).toBe(false);
    expect(state.key).toBeNull();
    expect(state.encryptWithAd(ad, Buffer.from('x'))).toEqual(Buffer.from('x'));
  });

  test('each encryption uses the next nonce and the raw key works with explicit counters', () => {
    const sender = new CipherState(key);
    sender.encryptWithAd(ad, Buffer.from('zero'));
    const second = sender.encryptWithAd(ad, Buffer.from('one'));
    expect(sender.nonce).toBe(2n);
    expect(aeadOpen(sender.key as Buffer, counterNonce(1n), second, ad)?.toString()).toBe('one');
  });

  test('a failed decryption throws and does not advance the nonce', () => {
    const sender = new CipherState(key);
    const receiver = new CipherState(key);
    const sealed = sender.encryptWithAd(ad, Buffer.from('msg'));
    const forged = Buffer.from(sealed);
    forged[0] ^= 1;
    expect(() => receiver.decryptWithAd(ad, forged)).toThrow(NoiseError);
    expect(receiver.nonce).toBe(0n);
    expect(receiver.decryptWithAd(ad, sealed).toString()).toBe('msg');
  });

  test('the reserved nonce 2^64-1 is never used', () => {
    const state = new CipherState(key);
    state.setNonce(NOISE_MAX_NONCE - 1n);
    state.encryptWithAd(ad, Buffer.alloc(0));
    expect(() => state.encryptWithAd(ad, Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'nonce-exhausted' }));
  });

  test('rekey changes the key deterministically and keeps the nonce', () => {
    const a = new CipherState(key);
    const b = new CipherState(key);
    a.setNonce(5n);
    a.rekey();
    b.rekey();
    expect(a.key).toEqual(b.key);
    expect(a.key).not.toEqual(key);
    expect(a.nonce).toBe(5n);
  });

  test('destroy zeroes the key bytes', () => {
    const state = new CipherState(key);
    const live = state.key as Buffer;
    state.destroy();
    expect(live.every((byte) => byte === 0)).toBe(true);
    expect(state.hasKey()).toBe(false);
  });
});
