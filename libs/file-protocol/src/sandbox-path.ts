/**
 * Path rules for client-supplied paths (pure: no I/O). A client path is relative to the sandbox root
 * and `/`-separated. It is checked here as text; the I/O layer (fs-guard.ts) then checks what the
 * path really points at on disk. Both layers must agree before anything is touched.
 *
 * Decisions, thinking like an attacker:
 * - `..` segments and absolute paths (`/x`, `//x`, `\x`, `C:`...) → OUTSIDE_SANDBOX. We never
 *   "clean" a path (`a/../b` is refused, not turned into `b`): a request that tries to climb is hostile.
 * - Backslashes are refused (BAD_REQUEST): they are not separators on the server, but they are on a
 *   Windows client, so `..\x` would mean different things at the two ends.
 * - Percent-escapes are NOT decoded: messages carry JSON strings, not URLs, so `%2e%2e` is a literal
 *   name. But escapes of `.`, `/`, `\`, `%` and control characters are refused anyway (BAD_REQUEST),
 *   so a layer that wrongly decodes once more (a link in a UI, a log viewer) cannot turn a stored name
 *   into a traversal. Harmless escapes such as `100%20` stay allowed.
 * - NUL, C0/C1 control characters, Unicode format characters (bidi overrides like U+202E, zero-width
 *   characters, BOM, soft hyphen) and lone surrogates → BAD_REQUEST: they hide or disguise a name
 *   (`evil\u202Etxt.exe` displays as `evilexe.txt`). This also refuses emoji joined with ZWJ.
 * - Names must be in Unicode NFC: `café` can be spelled two ways that look identical; accepting only
 *   one spelling means one name on screen is one file on disk.
 * - Empty segments (`a//b`) and `.` segments are refused so every file has one spelling. The whole
 *   path `''` or `.` means the root; one trailing `/` is tolerated.
 * - Over-long names: >255 bytes per segment, >4096 bytes in total (UTF-8).
 * - Windows device names (`CON`, `nul.txt`, `COM1`...) are refused: a Windows client cannot save them.
 * - The staging folder `.clawchat-uploads` cannot be addressed at any depth, in any letter case.
 */
import { ProtocolError } from '@clawchat/protocol';
import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES, UPLOAD_STAGING_DIR, WINDOWS_DEVICE_NAMES } from './constants';

/** A validated client path. `segments` is empty for the sandbox root. */
export interface SandboxPath {
  readonly segments: readonly string[];
  /** Canonical spelling (`a/b`), `''` for the root; safe to echo back in messages. */
  readonly text: string;
}

export const ROOT_PATH: SandboxPath = { segments: [], text: '' };

// Cf = format characters (bidi controls, zero-width, BOM, soft hyphen); Cs = lone surrogates.
const INVISIBLE_OR_BROKEN = /[\p{Cf}\p{Cs}]/u;
// Escapes that would decode to `.`, `/`, `\`, `%` (double encoding) or a control character.
const DANGEROUS_PERCENT_ESCAPE = /%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i;
const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Why `name` cannot be a path segment, or null if it can. Also used by list() to hide entries a
 * client could not address anyway.
 */
export function segmentProblem(name: string): string | null {
  if (name === '') return 'an empty name';
  if (name === '.' || name === '..') return `the name "${name}"`;
  if (name.includes('/') || name.includes('\\')) return 'a slash or backslash inside a name';
  if (Buffer.byteLength(name, 'utf8') > MAX_SEGMENT_BYTES) return `a name longer than ${MAX_SEGMENT_BYTES} bytes`;
  if (hasControlCharacter(name)) return 'a control character';
  if (INVISIBLE_OR_BROKEN.test(name)) return 'an invisible or direction-changing Unicode character';
  if (name.normalize('NFC') !== name) return 'a name not in Unicode NFC form';
  if (DANGEROUS_PERCENT_ESCAPE.test(name)) return 'a percent-escape of ".", "/", "\\", "%" or a control character';
  if (isWindowsDeviceName(name)) return 'a Windows device name';
  if (isStagingName(name)) return `the reserved name "${UPLOAD_STAGING_DIR}"`;
  return null;
}

/** C0 controls (incl. NUL), DEL and C1 controls. A loop rather than a regex with control ranges. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** True for the staging folder's name in any letter case (case-insensitive filesystems exist). */
export function isStagingName(name: string): boolean {
  return name.toLowerCase() === UPLOAD_STAGING_DIR;
}

function isWindowsDeviceName(name: string): boolean {
  const stem = name.split('.')[0].trimEnd().toUpperCase();
  return WINDOWS_DEVICE_NAMES.has(stem);
}

function badRequest(what: string, reason: string): ProtocolError {
  return new ProtocolError('BAD_REQUEST', `The ${what} contains ${reason}; rename it or choose another path.`);
}

function outside(what: string): ProtocolError {
  return new ProtocolError(
    'OUTSIDE_SANDBOX',
    `The ${what} leaves the shared folder; use a path relative to it without "..".`,
  );
}

/**
 * Validates a client path as text. Throws ProtocolError(OUTSIDE_SANDBOX | BAD_REQUEST).
 * `what` names the field in messages ("path", "destination").
 */
export function parseSandboxPath(raw: unknown, what = 'path'): SandboxPath {
  if (typeof raw !== 'string') throw new ProtocolError('BAD_REQUEST', `The ${what} must be a string.`);
  // NUL first: it truncates the path in C APIs, so it must never reach later checks or the disk.
  if (raw.includes('\u0000')) throw badRequest(what, 'a NUL byte');
  if (Buffer.byteLength(raw, 'utf8') > MAX_PATH_BYTES) {
    throw new ProtocolError('BAD_REQUEST', `The ${what} is longer than ${MAX_PATH_BYTES} bytes; use a shorter path.`);
  }
  if (raw === '' || raw === '.' || raw === './') return ROOT_PATH;
  if (raw.startsWith('/') || raw.startsWith('\\') || DRIVE_LETTER.test(raw)) throw outside(what);

  const body = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const segments = body.split('/');
  // Climbing is judged before anything else so `a/../../x` is reported as what it is.
  if (segments.includes('..')) throw outside(what);
  for (const segment of segments) {
    const problem = segmentProblem(segment);
    if (problem !== null) throw badRequest(what, problem);
  }
  return { segments, text: segments.join('/') };
}

/** The parent of a non-root path (the root for a top-level name). */
export function parentOf(path: SandboxPath): SandboxPath {
  const segments = path.segments.slice(0, -1);
  return { segments, text: segments.join('/') };
}

/** True if `inner` is `outer` itself or lies below it. */
export function isSameOrInside(inner: SandboxPath, outer: SandboxPath): boolean {
  if (inner.segments.length < outer.segments.length) return false;
  return outer.segments.every((segment, i) => inner.segments[i] === segment);
}

/** Last segment, `''` for the root. */
export function baseName(path: SandboxPath): string {
  return path.segments.length === 0 ? '' : path.segments[path.segments.length - 1];
}
