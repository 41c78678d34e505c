// Public API of @clawchat/crypto: primitives on node:crypto, Noise handshakes, replay window, keypair slots.
export * from './constants';
export { InvalidPublicKeyError, NoiseError, type NoiseErrorCode } from './errors';
export { aeadOpen, aeadOpenPacket, aeadSeal, aeadSealPacket, aeadSealPacketInPlace, aesGcmOpen, aesGcmSeal, counterNonce } from './aead';
export { generateX25519KeyPair, x25519, x25519PublicFromPrivate, type X25519KeyPair } from './x25519';
export { hmacSha256, verifyHmacSha256 } from './hmac';
export { hkdfSha256, noiseHkdf } from './hkdf';
export { CipherState } from './noise/cipher-state';
export { SymmetricState } from './noise/symmetric-state';
export { HandshakeState, type HandshakeOptions, type KeyPair, type TransportCiphers } from './noise/handshake-state';
export { BASE_PATTERN_NAMES, protocolName, resolvePattern, type HandshakePattern, type MessageToken, type PreMessageToken } from './noise/patterns';
export { ReplayWindow } from './replay-window';
export { KeypairSlots, type KeypairSlotName, type KeypairSlotsOptions, type TimedKeypair } from './keypair-slots';
