// End to end through the public entry point: an IKpsk2 handshake, then transport with explicit counters
// (as libs/protocol will do), a replay window and keypair slots.
import { aeadOpen, aeadSeal, counterNonce, generateX25519KeyPair, HandshakeState, KeypairSlots, ReplayWindow } from './index';

test('IKpsk2 handshake, explicit-counter transport, replay protection and key erasure', () => {
  const relay = generateX25519KeyPair();
  const client = generateX25519KeyPair();
  const psk = Buffer.alloc(32, 0x5a);
  const prologue = Buffer.from('clawchat test');
  const initiator = new HandshakeState({ pattern: 'IKpsk2', initiator: true, prologue, s: client, rs: relay.publicKey, psks: [psk] });
  const responder = new HandshakeState({ pattern: 'IKpsk2', initiator: false, prologue, s: relay, psks: [psk] });
  responder.readMessage(initiator.writeMessage(Buffer.from('init')));
  initiator.readMessage(responder.writeMessage(Buffer.from('resp')));

  const clientKeys = initiator.split();
  const relayKeys = responder.split();
  const sendKey = clientKeys.send.key as Buffer;
  const receiveKey = relayKeys.receive.key as Buffer;
  const ad = Buffer.from('header');
  const window = new ReplayWindow();
  const packets = [0n, 2n, 1n, 2n].map((counter) => ({ counter, sealed: aeadSeal(sendKey, counterNonce(counter), Buffer.from(`m${counter}`), ad) }));
  const delivered: string[] = [];
  for (const { counter, sealed } of packets) {
    if (!window.isPossiblyValid(counter)) continue;
    const plaintext = aeadOpen(receiveKey, counterNonce(counter), sealed, ad);
    if (plaintext && window.checkAndAccept(counter)) delivered.push(plaintext.toString());
  }
  expect(delivered).toEqual(['m0', 'm2', 'm1']);

  const slots = new KeypairSlots<{ createdAt: number; key: Buffer }>({ onErase: (k) => k.key.fill(0) });
  slots.setCurrent({ createdAt: 0, key: receiveKey });
  expect(slots.eraseExpired(180_000, 180_000)).toBe(1);
  expect(receiveKey.every((byte) => byte === 0)).toBe(true);
});
