/**
 * Starting the real programs (their bundles in dist/apps/) as child processes for end-to-end tests:
 * wait for a line on stderr, keep the output for assertions, and always stop them afterwards.
 * The harness itself lives in @clawchat/testing (shared with the benchmarks).
 */
import path from 'node:path';
import { WatchedProcess, appBundles, childEnv, spawnNode } from '@clawchat/testing';

export { tempDir } from '@clawchat/testing';

export const ROOT = path.resolve(__dirname, '../../..');
export const BUNDLES = appBundles(ROOT);

/** `node <args>` with this process's environment (minus CLAWCHAT_DEBUG) plus `opts.env`, run from the repository root by default. */
export class Proc extends WatchedProcess {
  constructor(name: string, args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
    super(name, spawnNode(args, { cwd: opts.cwd ?? ROOT, env: childEnv(opts.env) }));
  }
}
