/** A command-line mistake: one line saying what is wrong, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
