/**
 * Walks a declarative schema (fields.ts) over a value and throws MessageError on the first problem,
 * naming the field path (e.g. `CHAT.attachments[3]`) and what is wrong with it. Used for whole
 * messages (codec.ts) and for OK results (ok-results.ts).
 */
import { ID_PATTERN, MAX_ID_CHARS, MAX_JSON_DEPTH, MAX_PATH_CHARS, MAX_QUOTED_CHARS } from './constants';
import type { FieldSpec, ObjectSchema } from './fields';
import { MessageError } from './message-error';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A field name or value shown in an error: escaped and cut short, so a hostile one cannot flood a log line. */
export function quote(value: string): string {
  const cut = value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value;
  return JSON.stringify(cut);
}

/** C0 controls and DEL: in a label they could move the cursor or recolour the user's terminal. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function fail(where: string, problem: string): never {
  throw new MessageError(`${where}: ${problem}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Checks `value` against `schema`: every required field present, no field the schema does not list. */
export function validateObject(value: unknown, schema: ObjectSchema, where: string, depth = 0): void {
  if (!isPlainObject(value)) fail(where, 'expected an object');
  for (const key of Object.keys(value)) {
    // `undefined` only happens on the encode side (`{ re: undefined }`); JSON.stringify drops it, so it is absence.
    if (!Object.hasOwn(schema, key) && value[key] !== undefined) fail(where, `unexpected field ${quote(key)}`);
  }
  for (const [key, rule] of Object.entries(schema)) {
    const field = Object.hasOwn(value, key) ? value[key] : undefined;
    if (field === undefined) {
      if (!rule.optional) fail(`${where}.${key}`, 'missing');
      continue;
    }
    validateValue(field, rule.spec, `${where}.${key}`, depth + 1);
  }
}

function checkLength(value: string, min: number, max: number, where: string): void {
  if (value.length < min) fail(where, min === 1 ? 'must not be empty' : `shorter than ${min} characters`);
  if (value.length > max) fail(where, `longer than ${max} characters`);
}

export function validateValue(value: unknown, spec: FieldSpec, where: string, depth: number): void {
  switch (spec.kind) {
    case 'id':
      if (typeof value !== 'string') fail(where, 'expected a string id');
      checkLength(value, 1, MAX_ID_CHARS, where);
      if (!ID_PATTERN.test(value)) fail(where, 'id may contain only A-Z a-z 0-9 _ -');
      return;
    case 'text':
      if (typeof value !== 'string') fail(where, 'expected a string');
      checkLength(value, spec.min, spec.max, where);
      return;
    case 'label':
      if (typeof value !== 'string') fail(where, 'expected a string');
      checkLength(value, 1, spec.max, where);
      if (hasControlCharacter(value)) fail(where, 'must not contain control characters');
      return;
    case 'path':
      if (typeof value !== 'string') fail(where, 'expected a path string');
      checkLength(value, 0, MAX_PATH_CHARS, where);
      if (value.includes('\u0000')) fail(where, 'path must not contain NUL');
      return;
    case 'sha256':
      if (typeof value !== 'string' || !SHA256_HEX.test(value)) fail(where, 'expected 64 lowercase hex characters (sha256)');
      return;
    case 'int':
      if (typeof value !== 'number') fail(where, 'expected a number');
      if (!Number.isInteger(value)) fail(where, 'expected an integer');
      if (value < spec.min || value > spec.max) fail(where, `out of range ${spec.min}..${spec.max}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(where, 'expected true or false');
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) fail(where, `expected one of ${spec.values.join(', ')}`);
      return;
    case 'bytes':
      if (!(value instanceof Uint8Array)) fail(where, 'expected bytes');
      if (value.length < spec.min) fail(where, `fewer than ${spec.min} bytes`);
      if (value.length > spec.max) fail(where, `more than ${spec.max} bytes`);
      return;
    case 'array':
      if (!Array.isArray(value)) fail(where, 'expected an array');
      if (value.length > spec.max) fail(where, `more than ${spec.max} items`);
      value.forEach((item, index) => validateValue(item, spec.of, `${where}[${index}]`, depth + 1));
      return;
    case 'object':
      validateObject(value, spec.fields, where, depth);
      return;
    case 'nullable':
      if (value !== null) validateValue(value, spec.of, where, depth);
      return;
    case 'json-object':
      if (!isPlainObject(value)) fail(where, 'expected an object');
      validateJson(value, where, depth);
      return;
  }
}

/** Free-form JSON: only values that survive JSON.stringify → JSON.parse unchanged, nested at most MAX_JSON_DEPTH. */
function validateJson(value: unknown, where: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) fail(where, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(where, 'expected a finite number');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => validateJson(item, `${where}[${index}]`, depth + 1));
    return;
  }
  if (!isPlainObject(value)) fail(where, 'not a JSON value');
  for (const [key, item] of Object.entries(value)) validateJson(item, `${where}[${quote(key)}]`, depth + 1);
}
