/**
 * `clawchat send "text"`: one chat turn, the reply streamed to stdout as it arrives. With --json every
 * piece is one line: {"type":"delta","text"}, {"type":"queued","position"}, then
 * {"type":"done","text",...} with the full reply. Ctrl+C asks the server to stop (CHAT_CANCEL); the
 * partial reply is kept and the exit code is 1.
 */
import type { ClientConnection, Message } from '../../connection/types';
import { EXIT, type ExitCode } from '../exit-codes';
import { jsonLine, type Io } from '../io';

export async function runSend(conn: ClientConnection, text: string, io: Io, signals: NodeJS.EventEmitter = process): Promise<ExitCode> {
  const id = conn.nextId();
  let printed = '';
  const onPiece = (m: Message) => {
    if (m.type === 'CHAT_DELTA' && typeof m.text === 'string') {
      printed += m.text;
      if (io.json) jsonLine(io, { type: 'delta', text: m.text });
      else io.stdout.write(m.text);
    } else if (m.type === 'CHAT_QUEUED') {
      if (io.json) jsonLine(io, { type: 'queued', position: m.position });
      else io.stderr.write(`clawchat: queued behind ${String(m.position)} turn(s) from other devices\n`);
    }
  };
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) process.exit(130); // a second Ctrl+C: stop waiting
    cancelling = true;
    conn.request({ type: 'CHAT_CANCEL', re: id }).catch(() => undefined);
  };
  signals.on('SIGINT', onSigint);
  try {
    const done = await conn.request({ type: 'CHAT', id, text }, onPiece);
    const full = typeof done.text === 'string' ? done.text : printed;
    const cancelled = done.cancelled === true;
    if (io.json) {
      jsonLine(io, {
        type: 'done',
        id,
        text: full,
        provider: done.provider,
        model: done.model,
        ...(done.usage ? { usage: done.usage } : {}),
        ...(cancelled ? { cancelled } : {}),
      });
    } else {
      // The full reply wins: anything the deltas missed (a replay after a reconnect) is added here.
      const rest = full.startsWith(printed) ? full.slice(printed.length) : '';
      io.stdout.write(rest);
      if (!(printed + rest).endsWith('\n')) io.stdout.write('\n');
      if (cancelled) io.stderr.write('clawchat: reply cancelled\n');
    }
    return cancelled ? EXIT.REMOTE : EXIT.OK;
  } finally {
    signals.off('SIGINT', onSigint);
  }
}
