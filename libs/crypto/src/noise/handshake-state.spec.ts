import { hex, loadVectorFile } from '../testing/vectors';
import { NoiseError } from '../errors';
import { generateX25519KeyPair, x25519PublicFromPrivate } from '../x25519';
import { HandshakeState, type KeyPair } from './handshake-state';
import { BASE_PATTERN_NAMES } from './patterns';

interface CacophonyVector {
  protocol_name: string;
  init_prologue: string;
  init_psks?: string[];
  init_static?: string;
  init_ephemeral: string;
  init_remote_static?: string;
  resp_prologue: string;
  resp_psks?: string[];
  resp_static?: string;
  resp_ephemeral?: string;
  resp_remote_static?: string;
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

const { vectors } = loadVectorFile<{ vectors: CacophonyVector[] }>('noise/cacophony_25519_AESGCM_SHA256.json');

function keyPair(privateHex: string | undefined): KeyPair | undefined {
  if (!privateHex) return undefined;
  const privateKey = hex(privateHex);
  return { privateKey, publicKey: x25519PublicFromPrivate(privateKey) };
}

function patternOf(protocol: string): string {
  const match = /^Noise_(.+)_25519_AESGCM_SHA256$/.exec(protocol);
  if (!match) throw new Error(`unexpected protocol ${protocol}`);
  return match[1];
}

function isImplemented(pattern: string): boolean {
  const pskAt = pattern.indexOf('psk');
  return BASE_PATTERN_NAMES.includes(pskAt < 0 ? pattern : pattern.slice(0, pskAt));
}

describe('cacophony Noise_*_25519_AESGCM_SHA256 vectors', () => {
  const runCounts = new Map<string, number>();

  afterAll(() => {
    // Every pattern the brief asks for must have run at least one vector, and none may be skipped.
    for (const required of ['IK', 'IKpsk2', 'NK', 'NKpsk0', 'XX', 'NN', 'NNpsk0', 'KK', 'KKpsk0']) {
      expect(runCounts.get(required) ?? 0).toBeGreaterThan(0);
    }
    const total = [...runCounts.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBe(vectors.length);
    console.log(`Noise vectors run: ${total} of ${vectors.length} (${runCounts.size} patterns)`);
  });

  test('the file holds vectors and every one of them is a pattern we implement', () => {
    expect(vectors.length).toBeGreaterThan(0);
    expect(vectors.filter((vector) => !isImplemented(patternOf(vector.protocol_name)))).toEqual([]);
  });

  test.each(vectors.map((vector) => [vector.protocol_name, vector] as const))('%s', (name, vector) => {
    const pattern = patternOf(vector.protocol_name);
    const initiator = new HandshakeState({
      pattern,
      initiator: true,
      prologue: hex(vector.init_prologue),
      s: keyPair(vector.init_static),
      e: keyPair(vector.init_ephemeral),
      rs: vector.init_remote_static ? hex(vector.init_remote_static) : undefined,
      psks: vector.init_psks?.map(hex),
    });
    const responder = new HandshakeState({
      pattern,
      initiator: false,
      prologue: hex(vector.resp_prologue),
      s: keyPair(vector.resp_static),
      e: keyPair(vector.resp_ephemeral),
      rs: vector.resp_remote_static ? hex(vector.resp_remote_static) : undefined,
      psks: vector.resp_psks?.map(hex),
    });
    expect(initiator.protocolName).toBe(name);

    const handshakeLength = initiator.pattern.messages.length;
    expect(vector.messages.length).toBeGreaterThan(handshakeLength);
    for (let index = 0; index < handshakeLength; index++) {
      const [writer, reader] = index % 2 === 0 ? [initiator, responder] : [responder, initiator];
      const { payload, ciphertext } = vector.messages[index];
      const written = writer.writeMessage(hex(payload));
      expect(written.toString('hex')).toBe(ciphertext);
      expect(reader.readMessage(written).toString('hex')).toBe(payload);
    }
    expect(initiator.isComplete()).toBe(true);
    expect(responder.isComplete()).toBe(true);
    expect(initiator.handshakeHash().toString('hex')).toBe(vector.handshake_hash);
    expect(responder.handshakeHash().toString('hex')).toBe(vector.handshake_hash);
    if (vector.init_static) expect(responder.remoteStaticKey()).toEqual(keyPair(vector.init_static)?.publicKey);
    if (vector.resp_static) expect(initiator.remoteStaticKey()).toEqual(keyPair(vector.resp_static)?.publicKey);

    const initiatorCiphers = initiator.split();
    const responderCiphers = responder.split();
    for (let index = handshakeLength; index < vector.messages.length; index++) {
      // One-way patterns only ever send initiator-to-responder; interactive ones keep alternating.
      const fromInitiator = initiator.pattern.oneWay || index % 2 === 0;
      const [sender, receiver] = fromInitiator
        ? [initiatorCiphers.send, responderCiphers.receive]
        : [responderCiphers.send, initiatorCiphers.receive];
      const { payload, ciphertext } = vector.messages[index];
      const sealed = sender.encryptWithAd(Buffer.alloc(0), hex(payload));
      expect(sealed.toString('hex')).toBe(ciphertext);
      expect(receiver.decryptWithAd(Buffer.alloc(0), sealed).toString('hex')).toBe(payload);
    }
    runCounts.set(pattern, (runCounts.get(pattern) ?? 0) + 1);
  });
});

describe('HandshakeState failures', () => {
  function ikPair() {
    const initiatorStatic = generateX25519KeyPair();
    const responderStatic = generateX25519KeyPair();
    const psk = Buffer.alloc(32, 7);
    const initiator = new HandshakeState({ pattern: 'IKpsk2', initiator: true, prologue: Buffer.from('p'), s: initiatorStatic, rs: responderStatic.publicKey, psks: [psk] });
    const responder = new HandshakeState({ pattern: 'IKpsk2', initiator: false, prologue: Buffer.from('p'), s: responderStatic, psks: [psk] });
    return { initiator, responder, initiatorStatic };
  }

  function expectNoiseError(action: () => unknown, code: string): void {
    let caught: unknown;
    try {
      action();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NoiseError);
    expect((caught as NoiseError).code).toBe(code);
  }

  test('a full IKpsk2 handshake with random keys authenticates both sides', () => {
    const { initiator, responder, initiatorStatic } = ikPair();
    expect(responder.readMessage(initiator.writeMessage(Buffer.from('hello'))).toString()).toBe('hello');
    expect(initiator.readMessage(responder.writeMessage(Buffer.from('welcome'))).toString()).toBe('welcome');
    expect(responder.remoteStaticKey()).toEqual(initiatorStatic.publicKey);
    expect(initiator.handshakeHash()).toEqual(responder.handshakeHash());
    const a = initiator.split();
    const b = responder.split();
    expect(a.send.key).toEqual(b.receive.key);
    expect(a.receive.key).toEqual(b.send.key);
    expect(a.send.key).not.toEqual(a.receive.key);
  });

  test('a tampered message fails with decrypt-failed and poisons the state', () => {
    const { initiator, responder } = ikPair();
    const message = initiator.writeMessage(Buffer.from('hello'));
    message[message.length - 1] ^= 1;
    expectNoiseError(() => responder.readMessage(message), 'decrypt-failed');
    expectNoiseError(() => responder.readMessage(message), 'handshake-failed');
  });

  test('a wrong PSK fails with decrypt-failed (psk2 is mixed at the end of message 2)', () => {
    const responderStatic = generateX25519KeyPair();
    const initiator = new HandshakeState({ pattern: 'IKpsk2', initiator: true, s: generateX25519KeyPair(), rs: responderStatic.publicKey, psks: [Buffer.alloc(32, 1)] });
    const responder = new HandshakeState({ pattern: 'IKpsk2', initiator: false, s: responderStatic, psks: [Buffer.alloc(32, 2)] });
    responder.readMessage(initiator.writeMessage(Buffer.alloc(0)));
    expectNoiseError(() => initiator.readMessage(responder.writeMessage(Buffer.alloc(0))), 'decrypt-failed');
  });

  test('a short message fails with bad-length', () => {
    const { responder } = ikPair();
    // A valid ephemeral key followed by too few bytes for the encrypted static key.
    const truncated = Buffer.concat([generateX25519KeyPair().publicKey, Buffer.alloc(8)]);
    expectNoiseError(() => responder.readMessage(truncated), 'bad-length');
  });

  test('a low-order ephemeral key fails with invalid-public-key instead of crashing', () => {
    const { initiator, responder } = ikPair();
    const message = initiator.writeMessage(Buffer.from('hello'));
    message.fill(0, 0, 32); // replace e with the all-zero (low-order) point
    expectNoiseError(() => responder.readMessage(message), 'invalid-public-key');
  });

  test('turn order, completion and configuration are enforced', () => {
    const { initiator, responder } = ikPair();
    expectNoiseError(() => responder.writeMessage(Buffer.alloc(0)), 'wrong-turn');
    expectNoiseError(() => initiator.readMessage(Buffer.alloc(100)), 'wrong-turn');
    expectNoiseError(() => initiator.split(), 'not-complete');
    responder.readMessage(initiator.writeMessage(Buffer.alloc(0)));
    initiator.readMessage(responder.writeMessage(Buffer.alloc(0)));
    expectNoiseError(() => initiator.writeMessage(Buffer.alloc(0)), 'handshake-complete');
    expectNoiseError(() => new HandshakeState({ pattern: 'ZZ', initiator: true }), 'unknown-pattern');
    expectNoiseError(() => new HandshakeState({ pattern: 'IKpsk9', initiator: true }), 'unknown-pattern');
    expectNoiseError(() => new HandshakeState({ pattern: 'IK', initiator: true, s: generateX25519KeyPair() }), 'missing-key');
    expectNoiseError(() => new HandshakeState({ pattern: 'NNpsk0', initiator: true }), 'missing-key');
    expectNoiseError(() => new HandshakeState({ pattern: 'XX', initiator: false }), 'missing-key');
  });

  test('a payload that would exceed 65535 bytes is refused', () => {
    const initiator = new HandshakeState({ pattern: 'NN', initiator: true });
    expectNoiseError(() => initiator.writeMessage(Buffer.alloc(65535)), 'bad-length');
  });
});
