// Noise SymmetricState (Noise spec, section 5.2) with SHA-256 as HASH.
import { createHash } from 'node:crypto';
import { SHA256_LENGTH } from '../constants';
import { noiseHkdf } from '../hkdf';
import { CipherState } from './cipher-state';

const EMPTY = Buffer.alloc(0);

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export class SymmetricState {
  private chainingKey: Buffer;
  private hash: Buffer;
  private readonly cipher = new CipherState();

  constructor(protocolName: string) {
    const name = Buffer.from(protocolName, 'ascii');
    // Names up to HASHLEN are zero-padded, longer ones hashed (InitializeSymmetric).
    this.hash = name.length <= SHA256_LENGTH ? Buffer.concat([name, Buffer.alloc(SHA256_LENGTH - name.length)]) : sha256(name);
    this.chainingKey = Buffer.from(this.hash);
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const [chainingKey, tempKey] = noiseHkdf(this.chainingKey, inputKeyMaterial, 2);
    this.replaceChainingKey(chainingKey);
    this.cipher.initializeKey(tempKey);
    tempKey.fill(0);
  }

  mixHash(data: Uint8Array): void {
    this.hash = sha256(this.hash, data);
  }

  mixKeyAndHash(inputKeyMaterial: Uint8Array): void {
    const [chainingKey, tempHash, tempKey] = noiseHkdf(this.chainingKey, inputKeyMaterial, 3);
    this.replaceChainingKey(chainingKey);
    this.mixHash(tempHash);
    this.cipher.initializeKey(tempKey);
    tempKey.fill(0);
  }

  encryptAndHash(plaintext: Uint8Array): Buffer {
    const ciphertext = this.cipher.encryptWithAd(this.hash, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  /** Throws NoiseError('decrypt-failed') if authentication fails. */
  decryptAndHash(ciphertext: Uint8Array): Buffer {
    const plaintext = this.cipher.decryptWithAd(this.hash, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  hasKey(): boolean {
    return this.cipher.hasKey();
  }

  handshakeHash(): Buffer {
    return Buffer.from(this.hash);
  }

  /** Derive the two transport CipherStates (initiator-to-responder first) and wipe the chaining key. */
  split(): [CipherState, CipherState] {
    const [key1, key2] = noiseHkdf(this.chainingKey, EMPTY, 2);
    const result: [CipherState, CipherState] = [new CipherState(key1), new CipherState(key2)];
    key1.fill(0);
    key2.fill(0);
    this.chainingKey.fill(0);
    this.cipher.destroy();
    return result;
  }

  private replaceChainingKey(next: Buffer): void {
    this.chainingKey.fill(0);
    this.chainingKey = next;
  }
}
