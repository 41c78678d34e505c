/**
 * Cutting an over-long file down to a budget: keep the head (75 %) and the tail (25 %) with a marker
 * in between that says how much was cut, so the model (and a person reading the prompt) can tell.
 */
import { HEAD_SHARE } from './constants';

export interface Truncated {
  text: string;
  /** Characters removed (0 when the text fitted). */
  cutChars: number;
}

export function cutMarker(cutChars: number, fileName: string): string {
  return `[... ${cutChars} characters cut from ${fileName} ...]`;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/**
 * Keeps at most `budget` characters of `text` (head 75 %, tail 25 %); the marker is extra. Never
 * splits a surrogate pair, so an emoji is kept or dropped whole (the kept part may be 1 shorter).
 */
export function truncateHeadTail(text: string, budget: number, fileName: string): Truncated {
  if (text.length <= budget) return { text, cutChars: 0 };
  let headEnd = Math.floor(Math.max(0, budget) * HEAD_SHARE);
  let tailStart = text.length - (Math.max(0, budget) - headEnd);
  if (headEnd > 0 && isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd -= 1;
  if (tailStart < text.length && isLowSurrogate(text.charCodeAt(tailStart))) tailStart += 1;
  const cutChars = tailStart - headEnd;
  const head = text.slice(0, headEnd);
  const tail = text.slice(tailStart);
  return { text: `${head}\n\n${cutMarker(cutChars, fileName)}\n\n${tail}`, cutChars };
}
