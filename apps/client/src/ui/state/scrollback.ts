/** Items written once to the terminal's scrollback through Ink's `<Static>`. */

export type ScrollbackKind =
  /** The user's own message. */
  | 'user'
  /** A finished markdown block of an assistant reply. */
  | 'assistant'
  /** Quiet notices: reconnecting, rotation, cancelled, command results. */
  | 'system'
  /** Plain text that must stay readable (help, logs). */
  | 'info'
  | 'error';

export interface ScrollbackItem {
  id: number;
  kind: ScrollbackKind;
  text: string;
  /** Shown before a user message that came from another device. */
  label?: string;
}

export type NewScrollbackItem = Omit<ScrollbackItem, 'id'>;

export type AddScrollback = (...items: NewScrollbackItem[]) => void;
