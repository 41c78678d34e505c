/**
 * A masked prompt on the terminal (the bootstrap key): raw mode, one `*` per character, Backspace
 * works, a paste arrives as one chunk. Never echoes the secret, never logs it.
 */
import { ConnectError } from '../connection/connect-error';

/** Bracketed-paste markers (ESC [200~ / ESC [201~) around a pasted key. */
const PASTE_MARKS = new RegExp(`${String.fromCharCode(27)}\\[20[01]~`, 'g');

/** Applies one chunk of raw input to the typed text; `done` on Enter, `cancelled` on Ctrl+C / Ctrl+D. */
export function applySecretInput(typed: string, chunk: string): { typed: string; done: boolean; cancelled: boolean; echo: string } {
  let echo = '';
  for (const ch of chunk.replace(PASTE_MARKS, '')) {
    if (ch === '\r' || ch === '\n') return { typed, done: true, cancelled: false, echo };
    if (ch === '\x03' || ch === '\x04') return { typed, done: false, cancelled: true, echo };
    if (ch === '\x7f' || ch === '\b') {
      if (typed.length > 0) {
        typed = [...typed].slice(0, -1).join('');
        echo += '\b \b';
      }
      continue;
    }
    if (ch < ' ' || ch === '\x1b') continue; // other control characters are not part of a key
    typed += ch;
    echo += '*';
  }
  return { typed, done: false, cancelled: false, echo };
}

export function promptSecret(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    return Promise.reject(new ConnectError('BOOTSTRAP_KEY', 'CLAWCHAT_BOOTSTRAP_KEY is not set and there is no terminal to ask for it — set it to the key the relay printed'));
  }
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (after: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      input.unref();
      output.write('\n');
      after();
    };
    const onData = (chunk: Buffer | string) => {
      const step = applySecretInput(typed, chunk.toString());
      typed = step.typed;
      if (step.echo) output.write(step.echo);
      if (step.cancelled) finish(() => reject(new ConnectError('BOOTSTRAP_KEY', 'no bootstrap key given — set CLAWCHAT_BOOTSTRAP_KEY or type it at the prompt')));
      else if (step.done) finish(() => resolve(typed));
    };
    output.write(question);
    input.setRawMode(true);
    // Ink unrefs stdin when a UI (the .sec picker) unmounts; without ref() the process would just end.
    input.ref();
    input.on('data', onData);
    input.resume();
  });
}
