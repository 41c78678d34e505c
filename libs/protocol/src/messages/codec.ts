/**
 * Encoding of one message into one buffer, and back.
 *
 *   offset  size  field
 *   0       1     codec version, u8 = CODEC_VERSION (1)
 *   1       4     header length H, u32 big-endian
 *   5       H     JSON header, UTF-8: the message object without its bytes field, e.g.
 *                 {"type":"FILE_DATA","re":"k3J9xQ2mB7aZ","offset":262144}
 *   5+H     rest  binary tail: the raw `bytes` of FILE_DATA / FILE_CHUNK; empty for every other type
 *
 * The whole buffer is at most MAX_MESSAGE_BYTES. File data travels as raw bytes rather than base64
 * (a third smaller, no encode/decode pass). The tail needs no length of its own: a message is always
 * delivered whole by the session layer, so the tail is everything after the header.
 *
 * Decoding is strict: anything malformed (short or oversized buffer, unknown codec version, header
 * length past the end, invalid UTF-8 or JSON, unknown type, missing / extra / wrong-typed field, value
 * out of its limits, a tail where the type has none, `bytes` inside the JSON header) throws
 * MessageError (code BAD_REQUEST) with a one-line reason. Nothing else is ever thrown for bad input.
 *
 * decodeEnvelope is the relay's cheap check: frame intact, size within limits, type known, id / re
 * present and well-formed where the type requires them; the rest of the header and the tail are not
 * looked at, so the relay forwards messages it does not need to understand.
 */
import { CODEC_VERSION, FRAME_PREFIX_BYTES, MAX_MESSAGE_BYTES } from './constants';
import { MessageError } from './message-error';
import { bytesFieldOf, isMessageType, requiresId, requiresRe, schemaOf } from './schema';
import type { Bytes, EncodableMessage, Envelope, Message, MessageType } from './types';
import { quote, validateObject, validateValue } from './validate';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface Frame {
  header: Record<string, unknown>;
  tail: Uint8Array;
}

/** Checks `msg` against its type's schema; throws MessageError. Encode and decode both go through here. */
export function validateMessage(msg: unknown): asserts msg is Message {
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (!isMessageType(type)) throw new MessageError(unknownType(type));
  validateObject(msg, schemaOf(type), type);
}

export function encodeMessage(msg: EncodableMessage): Buffer {
  validateMessage(msg);
  const bytesField = bytesFieldOf(msg.type);
  const header: Record<string, unknown> = { ...msg };
  let tail: Bytes = new Uint8Array(0);
  if (bytesField !== undefined) {
    tail = header[bytesField] as Bytes;
    delete header[bytesField];
  }
  const json = JSON.stringify(header);
  const jsonLength = Buffer.byteLength(json, 'utf8');
  const total = FRAME_PREFIX_BYTES + jsonLength + tail.length;
  if (total > MAX_MESSAGE_BYTES) throw new MessageError(tooLarge(msg.type, total));
  const out = Buffer.allocUnsafe(total);
  out.writeUInt8(CODEC_VERSION, 0);
  out.writeUInt32BE(jsonLength, 1);
  out.write(json, FRAME_PREFIX_BYTES, 'utf8');
  out.set(tail, FRAME_PREFIX_BYTES + jsonLength);
  return out;
}

export function decodeMessage(buf: Bytes): Message {
  const { header, tail } = readFrame(buf);
  const type = header['type'];
  if (!isMessageType(type)) throw new MessageError(unknownType(type));
  const bytesField = bytesFieldOf(type);
  if (bytesField !== undefined) {
    if (Object.hasOwn(header, bytesField)) {
      throw new MessageError(`${type}.${bytesField}: must travel as the binary tail, not in the JSON header`);
    }
    header[bytesField] = new Uint8Array(tail); // a copy: the caller may reuse its receive buffer
  } else if (tail.length > 0) {
    throw new MessageError(`${type}: ${tail.length} unexpected bytes after the JSON header`);
  }
  validateMessage(header);
  return header;
}

export function decodeEnvelope(buf: Bytes): Envelope {
  const { header } = readFrame(buf);
  const type = header['type'];
  if (!isMessageType(type)) throw new MessageError(unknownType(type));
  return { type, ...envelopeField(header, type, 'id', requiresId(type)), ...envelopeField(header, type, 're', requiresRe(type)) };
}

function envelopeField(header: Record<string, unknown>, type: MessageType, key: 'id' | 're', required: boolean): Partial<Envelope> {
  const value = Object.hasOwn(header, key) ? header[key] : undefined;
  if (value === undefined) {
    if (required) throw new MessageError(`${type}.${key}: missing`);
    return {};
  }
  validateValue(value, { kind: 'id' }, `${type}.${key}`, 1);
  return { [key]: value as string };
}

function readFrame(input: Bytes): Frame {
  if (!ArrayBuffer.isView(input)) throw new MessageError('message: expected a byte buffer');
  const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength); // a view, not a copy
  if (buf.length < FRAME_PREFIX_BYTES) throw new MessageError(`message: ${buf.length} bytes, shorter than the ${FRAME_PREFIX_BYTES}-byte prefix`);
  if (buf.length > MAX_MESSAGE_BYTES) throw new MessageError(tooLarge('message', buf.length));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = view.getUint8(0);
  if (version !== CODEC_VERSION) throw new MessageError(`message: codec version ${version}, expected ${CODEC_VERSION}`);
  const headerLength = view.getUint32(1, false);
  if (headerLength === 0) throw new MessageError('message: empty JSON header');
  const headerEnd = FRAME_PREFIX_BYTES + headerLength;
  if (headerEnd > buf.length) {
    throw new MessageError(`message: truncated, header length ${headerLength} but only ${buf.length - FRAME_PREFIX_BYTES} bytes follow`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(buf.subarray(FRAME_PREFIX_BYTES, headerEnd)));
  } catch {
    throw new MessageError('message: header is not valid UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MessageError('message: header is not a JSON object');
  }
  return { header: parsed as Record<string, unknown>, tail: buf.subarray(headerEnd) };
}

function unknownType(type: unknown): string {
  if (type === undefined) return 'message: missing type';
  if (typeof type !== 'string') return 'message: type must be a string';
  return `message: unknown type ${quote(type)}`;
}

function tooLarge(what: string, size: number): string {
  return `${what}: ${size} bytes, over the limit of ${MAX_MESSAGE_BYTES} bytes`;
}
