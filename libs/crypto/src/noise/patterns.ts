// The Noise handshake pattern table (Noise spec sections 7.4, 7.5, 18) and the psk modifier (section 9.2).
// Patterns are written the way the spec writes them so they can be checked against it by eye.
import { NoiseError } from '../errors';

export type PreMessageToken = 'e' | 's';
export type MessageToken = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss' | 'psk';

export interface HandshakePattern {
  /** Full pattern name including modifiers, e.g. "IKpsk2". */
  name: string;
  initiatorPreMessage: PreMessageToken[];
  responderPreMessage: PreMessageToken[];
  /** Message i is sent by the initiator when i is even, by the responder when odd. */
  messages: MessageToken[][];
  /** One-way patterns (N, K, X) have a single message and only initiator-to-responder transport. */
  oneWay: boolean;
  /** Whether any psk token appears; then every `e` token also does MixKey(e.pub). */
  hasPsk: boolean;
}

interface PatternText {
  initiator?: string;
  responder?: string;
  messages: string[];
}

const BASE_PATTERNS: Record<string, PatternText> = {
  // One-way (7.4)
  N: { responder: 's', messages: ['e, es'] },
  K: { initiator: 's', responder: 's', messages: ['e, es, ss'] },
  X: { responder: 's', messages: ['e, es, s, ss'] },
  // Fundamental interactive (7.5)
  NN: { messages: ['e', 'e, ee'] },
  NK: { responder: 's', messages: ['e, es', 'e, ee'] },
  NX: { messages: ['e', 'e, ee, s, es'] },
  KN: { initiator: 's', messages: ['e', 'e, ee, se'] },
  KK: { initiator: 's', responder: 's', messages: ['e, es, ss', 'e, ee, se'] },
  KX: { initiator: 's', messages: ['e', 'e, ee, se, s, es'] },
  XN: { messages: ['e', 'e, ee', 's, se'] },
  XK: { responder: 's', messages: ['e, es', 'e, ee', 's, se'] },
  XX: { messages: ['e', 'e, ee, s, es', 's, se'] },
  IN: { messages: ['e, s', 'e, ee, se'] },
  IK: { responder: 's', messages: ['e, es, s, ss', 'e, ee, se'] },
  IX: { messages: ['e, s', 'e, ee, se, s, es'] },
  // Deferred (18.2)
  NK1: { responder: 's', messages: ['e', 'e, ee, es'] },
  NX1: { messages: ['e', 'e, ee, s', 'es'] },
  X1N: { messages: ['e', 'e, ee', 's', 'se'] },
  X1K: { responder: 's', messages: ['e, es', 'e, ee', 's', 'se'] },
  XK1: { responder: 's', messages: ['e', 'e, ee, es', 's, se'] },
  X1K1: { responder: 's', messages: ['e', 'e, ee, es', 's', 'se'] },
  X1X: { messages: ['e', 'e, ee, s, es', 's', 'se'] },
  XX1: { messages: ['e', 'e, ee, s', 'es, s, se'] },
  X1X1: { messages: ['e', 'e, ee, s', 'es, s', 'se'] },
  K1N: { initiator: 's', messages: ['e', 'e, ee', 'se'] },
  K1K: { initiator: 's', responder: 's', messages: ['e, es', 'e, ee', 'se'] },
  KK1: { initiator: 's', responder: 's', messages: ['e', 'e, ee, se, es'] },
  K1K1: { initiator: 's', responder: 's', messages: ['e', 'e, ee, es', 'se'] },
  K1X: { initiator: 's', messages: ['e', 'e, ee, s, es', 'se'] },
  KX1: { initiator: 's', messages: ['e', 'e, ee, se, s', 'es'] },
  K1X1: { initiator: 's', messages: ['e', 'e, ee, s', 'se, es'] },
  I1N: { messages: ['e, s', 'e, ee', 'se'] },
  I1K: { responder: 's', messages: ['e, es, s', 'e, ee', 'se'] },
  IK1: { responder: 's', messages: ['e, s', 'e, ee, se, es'] },
  I1K1: { responder: 's', messages: ['e, s', 'e, ee, es', 'se'] },
  I1X: { messages: ['e, s', 'e, ee, s, es', 'se'] },
  IX1: { messages: ['e, s', 'e, ee, se, s', 'es'] },
  I1X1: { messages: ['e, s', 'e, ee, s', 'se, es'] },
};

const ONE_WAY = new Set(['N', 'K', 'X']);

/** Base pattern names this library knows; any of them may carry psk modifiers (e.g. "IKpsk2", "NNpsk0+psk2"). */
export const BASE_PATTERN_NAMES: readonly string[] = Object.keys(BASE_PATTERNS);

function tokens<T extends string>(text: string | undefined): T[] {
  if (!text) return [];
  return text.split(',').map((token) => token.trim() as T);
}

/** Resolve a pattern name such as "IKpsk2" into its tokens. Throws NoiseError('unknown-pattern'). */
export function resolvePattern(name: string): HandshakePattern {
  const pskAt = name.indexOf('psk');
  const baseName = pskAt < 0 ? name : name.slice(0, pskAt);
  const base = Object.prototype.hasOwnProperty.call(BASE_PATTERNS, baseName) ? BASE_PATTERNS[baseName] : undefined;
  if (!base) throw new NoiseError('unknown-pattern', `Unknown Noise pattern "${name}"; use one of ${BASE_PATTERN_NAMES.join(', ')} (optionally with pskN).`);

  const messages = base.messages.map((text) => tokens<MessageToken>(text));
  const modifiers = pskAt < 0 ? [] : name.slice(pskAt).split('+');
  for (const modifier of modifiers) {
    const match = /^psk(\d+)$/.exec(modifier);
    const position = match ? Number(match[1]) : NaN;
    if (!(position >= 0 && position <= messages.length)) {
      throw new NoiseError('unknown-pattern', `Bad psk modifier "${modifier}" in Noise pattern "${name}".`);
    }
    // psk0 goes at the start of the first message; pskN at the end of the Nth message.
    if (position === 0) messages[0].unshift('psk');
    else messages[position - 1].push('psk');
  }

  return {
    name,
    initiatorPreMessage: tokens<PreMessageToken>(base.initiator),
    responderPreMessage: tokens<PreMessageToken>(base.responder),
    messages,
    oneWay: ONE_WAY.has(baseName),
    hasPsk: modifiers.length > 0,
  };
}

/** "Noise_IKpsk2_25519_AESGCM_SHA256" for "IKpsk2". */
export function protocolName(patternName: string, suite: string): string {
  return `Noise_${patternName}_${suite}`;
}
