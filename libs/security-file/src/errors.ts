// Typed errors whose message is the one line a person sees: what happened and what to do.

export type SecErrorCode = 'TRUNCATED' | 'NOT_A_SEC_FILE' | 'UNKNOWN_VERSION' | 'WRONG_KEY_OR_TAMPERED' | 'MALFORMED_BODY';

export class SecError extends Error {
  override readonly name = 'SecError';
  constructor(
    readonly code: SecErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Builds the user-facing message for a .sec problem; `label` is the file name shown to the user. */
export function secErrorFor(code: SecErrorCode, label: string, detail?: string): SecError {
  const suffix = detail ? ` (${detail})` : '';
  switch (code) {
    case 'TRUNCATED':
      return new SecError(code, `cannot read ${label}: the file is cut short${suffix} — copy it again from the relay's security dir`);
    case 'NOT_A_SEC_FILE':
      return new SecError(code, `cannot read ${label}: not a ClawChat .sec file${suffix} — pick the clawchat-current.sec written by the relay`);
    case 'UNKNOWN_VERSION':
      return new SecError(code, `cannot read ${label}: unknown .sec format version${suffix} — update ClawChat to match the relay`);
    case 'WRONG_KEY_OR_TAMPERED':
      return new SecError(
        code,
        `cannot decrypt ${label}: wrong bootstrap key or the file was modified${suffix} — check CLAWCHAT_BOOTSTRAP_KEY`,
      );
    case 'MALFORMED_BODY':
      return new SecError(code, `cannot use ${label}: its contents are invalid${suffix} — have the relay issue a new .sec`);
  }
}

export type BootstrapKeyErrorCode = 'PASSPHRASE_TOO_SHORT' | 'MALFORMED_GENERATED_KEY' | 'EMPTY';

export class BootstrapKeyError extends Error {
  override readonly name = 'BootstrapKeyError';
  constructor(
    readonly code: BootstrapKeyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
