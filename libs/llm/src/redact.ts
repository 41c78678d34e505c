import { MIN_SECRET_LENGTH } from './constants';

/** Replaces every configured secret, and anything shaped like a bearer token or API key, in a text. */
export type Redactor = (text: string) => string;

export const REDACTED = '[REDACTED]';

// Defence in depth for keys we were not told about (e.g. a gateway echoing its own key):
// "Bearer <token>" and the sk-/sk-ant- key shapes used by OpenAI, DeepSeek and Anthropic.
const KEY_SHAPES: readonly RegExp[] = [/\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/g, /\bsk-[A-Za-z0-9_-]{12,}/g];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const usable = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))]
    // Longest first so a key that contains another key is removed whole.
    .sort((a, b) => b.length - a.length);
  const exact = usable.length > 0 ? new RegExp(usable.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text: string) => {
    let out = exact ? text.replace(exact, REDACTED) : text;
    for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  };
}
