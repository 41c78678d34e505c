/**
 * CHAT attachments: sandbox paths whose text is added to the turn. They are read through the Sandbox
 * (so everything outside it is refused with OUTSIDE_SANDBOX), must be text, and are capped per file
 * and per turn because they travel to the provider with every later turn too.
 */
import type { Sandbox } from '@clawchat/file-protocol';
import { ProtocolError } from '@clawchat/protocol';
import { MAX_ATTACHMENT_CHARS, MAX_ATTACHMENTS_TOTAL_CHARS } from '../constants';

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readText(sandbox: Sandbox, path: string): Promise<string> {
  // UTF-8 needs at most 4 bytes per character: a bigger file cannot be under the character cap.
  const download = await sandbox.openDownload(path);
  try {
    if (download.size > MAX_ATTACHMENT_CHARS * 4) {
      throw new ProtocolError('TOO_LARGE', `Attachment "${path}" is ${download.size} bytes; attachments are limited to ${MAX_ATTACHMENT_CHARS} characters. Attach a smaller file or an excerpt.`);
    }
    const parts: Uint8Array[] = [];
    for await (const event of download) if (event.kind === 'data') parts.push(event.bytes);
    const bytes = Buffer.concat(parts);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ProtocolError('BAD_REQUEST', `Attachment "${path}" is not a UTF-8 text file; only text files can be attached.`);
    }
    if (text.includes('\u0000')) throw new ProtocolError('BAD_REQUEST', `Attachment "${path}" looks binary; only text files can be attached.`);
    if (text.length > MAX_ATTACHMENT_CHARS) {
      throw new ProtocolError('TOO_LARGE', `Attachment "${path}" has ${text.length} characters; the limit is ${MAX_ATTACHMENT_CHARS}. Attach an excerpt.`);
    }
    return text;
  } finally {
    await download.close();
  }
}

/** The attachments as text to append to the question, or undefined when there are none. */
export async function readAttachments(sandbox: Sandbox | undefined, paths: readonly string[] | undefined): Promise<string | undefined> {
  if (!paths || paths.length === 0) return undefined;
  if (!sandbox) throw new ProtocolError('NOT_FOUND', 'Attachments need the shared files folder, which is not available on this server.');
  let total = 0;
  let out = '';
  for (const path of paths) {
    const text = await readText(sandbox, path);
    total += text.length;
    if (total > MAX_ATTACHMENTS_TOTAL_CHARS) {
      throw new ProtocolError('TOO_LARGE', `The attachments add up to more than ${MAX_ATTACHMENTS_TOTAL_CHARS} characters; attach fewer or smaller files.`);
    }
    out += `\n\n--- attached file: ${path} ---\n${text}\n--- end of ${path} ---`;
  }
  return out;
}
