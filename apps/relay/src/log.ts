/**
 * One line per event on stderr: time, level, component, message. Secrets (keys, PSKs, message text)
 * are never passed here; callers log file paths and fingerprints instead.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(component: string): Logger;
}

export function createLogger(component: string, opts: { debug?: boolean; write?: (line: string) => void } = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: Level, msg: string) => {
    if (level === 'debug' && !opts.debug) return;
    write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${component}: ${msg}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (c) => createLogger(`${component}.${c}`, opts),
  };
}
