/** Exit codes of the clawchat binary (spec/client.md), so scripts can tell failures apart. */
export const EXIT = {
  OK: 0,
  /** The relay or LLM server answered with an error (or a local file operation failed). */
  REMOTE: 1,
  /** The command line was wrong. */
  USAGE: 2,
  /** Cannot connect, or a credential problem (.sec, bootstrap key, stored credential, revoked). */
  CONNECT: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
