import { MIN_SECRET_LENGTH } from './constants';

/** Replaces every configured secret, and anything shaped like a bearer token or API key, in a text. */
export type Redactor = (text: string) => string;

export const REDACTED = '[REDACTED]';

// Defence in depth for keys we were not told about (e.g. a gateway echoing its own key), and for the
// partly masked keys providers put in their 401 texts ("sk-abc...wxyz", "sk-proj-ab****wxyz",
// DeepSeek's "****wxyz"): even a masked key tells a reader whose key it is and part of it.
// Order matters: the masked sk- shape runs before the plain one so the whole mask goes at once.
// "Bearer" is matched case-sensitively, as headers spell it: "Missing bearer authentication" stays readable.
const KEY_SHAPES: readonly RegExp[] = [
  /\bBearer\s+\S+/g,
  /\bsk-[A-Za-z0-9_-]*(?:(?:\.{2,}|\u2026|\*+)[A-Za-z0-9_-]*)+/g,
  /\bsk-[A-Za-z0-9_-]{8,}/g,
  /[A-Za-z0-9_-]*\*{4,}[A-Za-z0-9_-]*/g,
];

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
