// Noise HandshakeState (Noise spec, section 5.3) for Noise_<pattern>_25519_AESGCM_SHA256.
// Any failure (bad length, failed decryption, invalid point) poisons the state: the handshake must be
// restarted, because the transcript hash has already absorbed part of the bad message.
import { AEAD_TAG_LENGTH, NOISE_MAX_MESSAGE_LENGTH, NOISE_PSK_LENGTH, NOISE_SUITE_SUFFIX, X25519_KEY_LENGTH } from '../constants';
import { InvalidPublicKeyError, NoiseError } from '../errors';
import { generateX25519KeyPair, x25519, type X25519KeyPair } from '../x25519';
import type { CipherState } from './cipher-state';
import { protocolName, resolvePattern, type HandshakePattern, type MessageToken, type PreMessageToken } from './patterns';
import { SymmetricState } from './symmetric-state';

export type KeyPair = X25519KeyPair;

export interface HandshakeOptions {
  /** Pattern with modifiers, e.g. "IKpsk2", "XX", "NNpsk0". */
  pattern: string;
  initiator: boolean;
  prologue?: Uint8Array;
  /** Local static key pair (public key is trusted to match the private key). */
  s?: KeyPair;
  /** Fixed local ephemeral key pair, for test vectors only; normally generated per handshake. */
  e?: KeyPair;
  /** Remote static public key known in advance (pre-message). */
  rs?: Uint8Array;
  /** Remote ephemeral public key known in advance (pre-message; no pattern here uses it). */
  re?: Uint8Array;
  /** Pre-shared keys, 32 bytes each, consumed in the order the psk tokens appear. */
  psks?: Uint8Array[];
}

export interface TransportCiphers {
  send: CipherState;
  receive: CipherState;
}

type Status = 'in-progress' | 'complete' | 'failed';

function copyKeyPair(pair: KeyPair): KeyPair {
  return { publicKey: Buffer.from(pair.publicKey), privateKey: Buffer.from(pair.privateKey) };
}

export class HandshakeState {
  readonly pattern: HandshakePattern;
  readonly protocolName: string;
  readonly initiator: boolean;
  private readonly symmetric: SymmetricState;
  private readonly s: KeyPair | null;
  private e: KeyPair | null;
  private rs: Buffer | null;
  private re: Buffer | null;
  private readonly psks: Buffer[];
  private pskIndex = 0;
  private messageIndex = 0;
  private status: Status = 'in-progress';
  private transport: TransportCiphers | null = null;

  constructor(options: HandshakeOptions) {
    this.pattern = resolvePattern(options.pattern);
    this.protocolName = protocolName(this.pattern.name, NOISE_SUITE_SUFFIX);
    this.initiator = options.initiator;
    this.s = options.s ? copyKeyPair(options.s) : null;
    this.e = options.e ? copyKeyPair(options.e) : null;
    this.rs = options.rs ? Buffer.from(options.rs) : null;
    this.re = options.re ? Buffer.from(options.re) : null;
    this.psks = (options.psks ?? []).map((psk) => Buffer.from(psk));
    this.checkKeysSupplied();

    this.symmetric = new SymmetricState(this.protocolName);
    this.symmetric.mixHash(options.prologue ?? Buffer.alloc(0));
    this.mixPreMessage(this.pattern.initiatorPreMessage, this.initiator);
    this.mixPreMessage(this.pattern.responderPreMessage, !this.initiator);
  }

  isComplete(): boolean {
    return this.status === 'complete';
  }

  /** True when the next handshake step for this side is writeMessage. */
  isMyTurnToWrite(): boolean {
    return this.status === 'in-progress' && this.messageIndex % 2 === (this.initiator ? 0 : 1);
  }

  handshakeHash(): Buffer {
    return this.symmetric.handshakeHash();
  }

  /** The peer's static public key once known (pre-message or received), else null. */
  remoteStaticKey(): Buffer | null {
    return this.rs ? Buffer.from(this.rs) : null;
  }

  /** The peer's ephemeral public key once received, else null. */
  remoteEphemeralKey(): Buffer | null {
    return this.re ? Buffer.from(this.re) : null;
  }

  writeMessage(payload: Uint8Array): Buffer {
    const tokens = this.beginStep(true);
    try {
      const parts: Buffer[] = [];
      for (const token of tokens) {
        if (token === 'e') {
          this.e ??= generateX25519KeyPair();
          parts.push(Buffer.from(this.e.publicKey));
          this.mixEphemeral(this.e.publicKey);
        } else if (token === 's') {
          parts.push(this.symmetric.encryptAndHash(this.requireKey(this.s, 's').publicKey));
        } else {
          this.mixToken(token);
        }
      }
      parts.push(this.symmetric.encryptAndHash(payload));
      const message = Buffer.concat(parts);
      if (message.length > NOISE_MAX_MESSAGE_LENGTH) {
        throw new NoiseError('bad-length', `Noise message would be ${message.length} bytes (max ${NOISE_MAX_MESSAGE_LENGTH}); send a smaller payload.`);
      }
      this.endStep();
      return message;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Process a peer message and return its payload. Throws NoiseError; the state is then unusable. */
  readMessage(message: Uint8Array): Buffer {
    const tokens = this.beginStep(false);
    try {
      if (message.length > NOISE_MAX_MESSAGE_LENGTH) throw new NoiseError('bad-length', 'Noise message longer than 65535 bytes; dropped.');
      let offset = 0;
      const take = (length: number): Buffer => {
        if (message.length - offset < length) throw new NoiseError('bad-length', 'Noise handshake message is too short; dropped.');
        const part = Buffer.from(message.subarray(offset, offset + length));
        offset += length;
        return part;
      };
      for (const token of tokens) {
        if (token === 'e') {
          this.re = take(X25519_KEY_LENGTH);
          this.mixEphemeral(this.re);
        } else if (token === 's') {
          const length = X25519_KEY_LENGTH + (this.symmetric.hasKey() ? AEAD_TAG_LENGTH : 0);
          this.rs = this.symmetric.decryptAndHash(take(length));
        } else {
          this.mixToken(token);
        }
      }
      const rest = message.subarray(offset);
      if (this.symmetric.hasKey() && rest.length < AEAD_TAG_LENGTH) throw new NoiseError('bad-length', 'Noise handshake payload is shorter than its tag; dropped.');
      const payload = this.symmetric.decryptAndHash(rest);
      this.endStep();
      return payload;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /**
   * The transport CipherStates, oriented for this side. For one-way patterns only the initiator's
   * `send` and the responder's `receive` may be used (Noise spec, section 5.3).
   */
  split(): TransportCiphers {
    if (!this.transport) throw new NoiseError('not-complete', 'Noise handshake is not complete; finish it before splitting.');
    return this.transport;
  }

  private beginStep(writing: boolean): MessageToken[] {
    if (this.status === 'failed') throw new NoiseError('handshake-failed', 'Noise handshake already failed; start a new one.');
    if (this.status === 'complete') throw new NoiseError('handshake-complete', 'Noise handshake is already complete; use the transport ciphers.');
    if (this.isMyTurnToWrite() !== writing) {
      throw new NoiseError('wrong-turn', writing ? 'It is the peer\'s turn to send a handshake message.' : 'It is our turn to send a handshake message.');
    }
    return this.pattern.messages[this.messageIndex];
  }

  private endStep(): void {
    this.messageIndex += 1;
    if (this.messageIndex < this.pattern.messages.length) return;
    const [initiatorToResponder, responderToInitiator] = this.symmetric.split();
    this.transport = this.initiator
      ? { send: initiatorToResponder, receive: responderToInitiator }
      : { send: responderToInitiator, receive: initiatorToResponder };
    this.status = 'complete';
    // Forward secrecy: the ephemeral private key must not outlive the handshake.
    this.e?.privateKey.fill(0);
  }

  private fail(error: unknown): NoiseError {
    this.status = 'failed';
    this.e?.privateKey.fill(0);
    if (error instanceof NoiseError) return error;
    if (error instanceof InvalidPublicKeyError) {
      return new NoiseError('invalid-public-key', 'Noise peer sent an invalid or low-order public key; dropped.', { cause: error });
    }
    return new NoiseError('handshake-failed', `Noise handshake failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  private mixEphemeral(publicKey: Uint8Array): void {
    this.symmetric.mixHash(publicKey);
    // With PSKs, e is also mixed into the key so that later encryptions depend on it (Noise spec, section 9.2).
    if (this.pattern.hasPsk) this.symmetric.mixKey(publicKey);
  }

  private mixToken(token: Exclude<MessageToken, 'e' | 's'>): void {
    if (token === 'psk') {
      this.symmetric.mixKeyAndHash(this.psks[this.pskIndex]);
      this.pskIndex += 1;
      return;
    }
    // The first letter names the initiator's key, the second the responder's.
    const initiatorKey = token[0] === 'e' ? 'e' : 's';
    const responderKey = token[1] === 'e' ? 'e' : 's';
    const localKind = this.initiator ? initiatorKey : responderKey;
    const remoteKind = this.initiator ? responderKey : initiatorKey;
    const local = this.requireKey(localKind === 'e' ? this.e : this.s, localKind);
    const remote = this.requireKey(remoteKind === 'e' ? this.re : this.rs, `r${remoteKind}`);
    const shared = x25519(local.privateKey, remote);
    this.symmetric.mixKey(shared);
    shared.fill(0);
  }

  private requireKey<T>(key: T | null, label: string): T {
    if (key === null) throw new NoiseError('missing-key', `Noise pattern ${this.pattern.name} needs key "${label}" but it is not available.`);
    return key;
  }

  private mixPreMessage(tokens: PreMessageToken[], local: boolean): void {
    for (const token of tokens) {
      const key = token === 's' ? (local ? this.s?.publicKey : this.rs) : local ? this.e?.publicKey : this.re;
      const publicKey = this.requireKey(key ?? null, local ? token : `r${token}`);
      if (token === 'e') this.mixEphemeral(publicKey);
      else this.symmetric.mixHash(publicKey);
    }
  }

  /** Fail at construction, not mid-handshake, when the caller forgot a key the pattern needs. */
  private checkKeysSupplied(): void {
    const pskCount = this.pattern.messages.flat().filter((token) => token === 'psk').length;
    if (this.psks.length !== pskCount || this.psks.some((psk) => psk.length !== NOISE_PSK_LENGTH)) {
      throw new NoiseError('missing-key', `Noise pattern ${this.pattern.name} needs ${pskCount} PSK(s) of ${NOISE_PSK_LENGTH} bytes, got ${this.psks.length}.`);
    }
    const myPre = this.initiator ? this.pattern.initiatorPreMessage : this.pattern.responderPreMessage;
    const theirPre = this.initiator ? this.pattern.responderPreMessage : this.pattern.initiatorPreMessage;
    const sendsStatic = this.pattern.messages.some((tokens, index) => index % 2 === (this.initiator ? 0 : 1) && tokens.includes('s'));
    const usesStatic = this.pattern.messages.flat().some((token) => token.length === 2 && token[this.initiator ? 0 : 1] === 's');
    if ((myPre.includes('s') || sendsStatic || usesStatic) && !this.s) {
      throw new NoiseError('missing-key', `Noise pattern ${this.pattern.name} needs a local static key pair (s).`);
    }
    if (this.s && (this.s.publicKey.length !== X25519_KEY_LENGTH || this.s.privateKey.length !== X25519_KEY_LENGTH)) {
      throw new NoiseError('missing-key', `Static key pair must be ${X25519_KEY_LENGTH}-byte X25519 keys.`);
    }
    if (theirPre.includes('s') && this.rs?.length !== X25519_KEY_LENGTH) {
      throw new NoiseError('missing-key', `Noise pattern ${this.pattern.name} needs the peer's ${X25519_KEY_LENGTH}-byte static public key (rs).`);
    }
  }
}
