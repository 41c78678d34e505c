/**
 * The vocabulary of the declarative schemas: what kind of value a field holds and its limits. A schema
 * is a table `field name → rule`; validate.ts walks it. Builders keep the tables short and readable.
 */
export type FieldSpec =
  /** An id / re / opaque token: 1..MAX_ID_CHARS of [A-Za-z0-9_-]. */
  | { kind: 'id' }
  /** Free text (may contain newlines) of min..max UTF-16 code units. */
  | { kind: 'text'; min: number; max: number }
  /** A short single-line label: 1..max characters, no control characters (it ends up on a terminal). */
  | { kind: 'label'; max: number }
  /** A sandbox path: 0..MAX_PATH_CHARS characters, no NUL. Containment is file-protocol's job. */
  | { kind: 'path' }
  /** A SHA-256 digest: 64 lowercase hex characters. */
  | { kind: 'sha256' }
  /** An integer (safe integer range) within min..max. */
  | { kind: 'int'; min: number; max: number }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: readonly string[] }
  /** Raw bytes: travels as the binary tail of the encoded message, at most one such field per message. */
  | { kind: 'bytes'; min: number; max: number }
  | { kind: 'array'; of: FieldSpec; max: number }
  | { kind: 'object'; fields: ObjectSchema }
  /** A value that may also be null. */
  | { kind: 'nullable'; of: FieldSpec }
  /** Any JSON object (nesting bounded by MAX_JSON_DEPTH); its shape is checked elsewhere. */
  | { kind: 'json-object' };

export interface FieldRule {
  spec: FieldSpec;
  optional: boolean;
}

export type ObjectSchema = Readonly<Record<string, FieldRule>>;

const required = (spec: FieldSpec): FieldRule => ({ spec, optional: false });

export const id = (): FieldRule => required({ kind: 'id' });
export const text = (max: number, min = 0): FieldRule => required({ kind: 'text', min, max });
export const label = (max: number): FieldRule => required({ kind: 'label', max });
export const path = (): FieldRule => required({ kind: 'path' });
export const sha256 = (): FieldRule => required({ kind: 'sha256' });
export const int = (min: number, max: number): FieldRule => required({ kind: 'int', min, max });
/** A non-negative integer up to 2^53-1: sizes, offsets, counts, epoch milliseconds. */
export const count = (): FieldRule => int(0, Number.MAX_SAFE_INTEGER);
export const bool = (): FieldRule => required({ kind: 'boolean' });
export const oneOf = (values: readonly string[]): FieldRule => required({ kind: 'enum', values });
export const bytes = (max: number, min = 0): FieldRule => required({ kind: 'bytes', min, max });
export const arrayOf = (of: FieldRule, max: number): FieldRule => required({ kind: 'array', of: of.spec, max });
export const object = (fields: ObjectSchema): FieldRule => required({ kind: 'object', fields });
export const nullable = (of: FieldRule): FieldRule => required({ kind: 'nullable', of: of.spec });
export const jsonObject = (): FieldRule => required({ kind: 'json-object' });
export const optional = (rule: FieldRule): FieldRule => ({ spec: rule.spec, optional: true });

