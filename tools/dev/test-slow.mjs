#!/usr/bin/env node
// `npm run test:slow`: the heavy cases kept out of `npm test` so it stays under ten minutes on two
// cores (the 1 GiB download with flat memory, ...). They are the same Jest tests, switched on by
// CLAWCHAT_SLOW=1; .ci/run runs this too.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const r = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', path.join(root, 'node_modules/.bin/jest'), '-c', 'jest.config.cjs', '--selectProjects', 'file-protocol', '-t', 'slow:', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CLAWCHAT_SLOW: '1', NX_DAEMON: 'false' } },
);
process.exit(r.status ?? 1);
