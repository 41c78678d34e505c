/**
 * One line per event on stderr: `[llm] <level> <component>: <message>`. Callers pass ids, sizes and
 * codes, never keys or message text (conventions: secrets never appear in a log). Stack traces only
 * with CLAWCHAT_DEBUG=1.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(component: string, message: string): void;
  info(component: string, message: string): void;
  warn(component: string, message: string): void;
  error(component: string, message: string, error?: unknown): void;
  /** A line without level or component (the ready line that scripts wait for). */
  plain(message: string): void;
}

export function formatLine(level: LogLevel, component: string, message: string): string {
  // One event, one line: a newline inside a message would let it fake a second event.
  return `[llm] ${level} ${component}: ${message.replace(/[\r\n]+/g, ' ')}`;
}

export function createLogger(options: { debug: boolean; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (level: LogLevel, component: string, message: string) => write(formatLine(level, component, message));
  return {
    debug: (component, message) => {
      if (options.debug) emit('debug', component, message);
    },
    info: (component, message) => emit('info', component, message),
    warn: (component, message) => emit('warn', component, message),
    error: (component, message, error) => {
      emit('error', component, message);
      if (options.debug && error instanceof Error && error.stack) write(error.stack);
    },
    plain: (message) => write(`[llm] ${message}`),
  };
}

/** A logger that keeps lines in memory (tests). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ debug: true, write: (line) => lines.push(line) }), { lines });
}

/** The message of an unknown thrown value, for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
