#!/usr/bin/env node
/** Entry of the clawchat binary (bundled to dist/apps/client/main.mjs). */
import { run } from './cli/run';

// `clawchat send ... | head`: the reader went away; that ends the command, it is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

run({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    // Exit once stdout has drained: an open stdin or a UI handle must not keep a finished command alive.
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`clawchat: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
