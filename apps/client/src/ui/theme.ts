/**
 * Colours by role. Only the basic 16 ANSI colours, which terminals adapt to light and dark themes;
 * with NO_COLOR every role is uncoloured (Ink then emits no colour codes at all).
 */
export interface Theme {
  accent?: string;
  user?: string;
  error?: string;
  warn?: string;
  ok?: string;
  noColor: boolean;
}

export function makeTheme(noColor: boolean): Theme {
  if (noColor) return { noColor };
  return { accent: 'cyan', user: 'blue', error: 'red', warn: 'yellow', ok: 'green', noColor };
}

/** NO_COLOR (https://no-color.org): present and not empty disables colour. */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}
