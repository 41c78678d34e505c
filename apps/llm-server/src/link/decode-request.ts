/**
 * Decoding with the id kept for the error: a message that fails validation still gets
 * ERROR{re: its id} when the id itself could be read, so the sender can match the error to its request.
 */
import { decodeMessage, isMessageId, MessageError, type Message } from '@clawchat/protocol';

export type Decoded = { ok: true; message: Message } | { ok: false; id?: string; reason: string };

/** Best effort: the `id` of a frame whose header is JSON, even when the rest of the message is invalid. */
export function recoverId(bytes: Uint8Array): string | undefined {
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 5) return undefined;
    const length = buf.readUInt32BE(1);
    if (length > buf.length - 5) return undefined;
    const header: unknown = JSON.parse(buf.subarray(5, 5 + length).toString('utf8'));
    const id = typeof header === 'object' && header !== null ? (header as { id?: unknown }).id : undefined;
    return isMessageId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function decodeRequest(bytes: Uint8Array): Decoded {
  try {
    return { ok: true, message: decodeMessage(bytes) };
  } catch (error) {
    const reason = error instanceof MessageError ? error.message : 'the message could not be decoded';
    return { ok: false, id: recoverId(bytes), reason };
  }
}
