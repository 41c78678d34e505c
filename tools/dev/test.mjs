#!/usr/bin/env node
// `npm test`: lint + typecheck (through Nx), the bundles the end-to-end suite runs, then every project's
// Jest suite and the end-to-end suite in one Jest run, ending with one summary line.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const bin = (name) => path.join(root, 'node_modules/.bin', name);

function step(title, cmd, args, extraEnv = {}) {
  process.stdout.write(`\n== ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  if (r.status !== 0) {
    process.stdout.write(`\n${title} failed\n`);
    process.exit(r.status ?? 1);
  }
}

step('lint and typecheck', bin('nx'), ['run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--output-style=static']);
for (const app of ['llm-server', 'relay', 'client']) step(`bundle ${app}`, process.execPath, ['tools/build/bundle.mjs', app]);

mkdirSync(path.join(root, 'tmp'), { recursive: true });
const results = path.join(root, 'tmp/jest-results.json');
const jestArgs = ['-c', 'jest.config.cjs', '--json', `--outputFile=${results}`, ...process.argv.slice(2)];
process.stdout.write('\n== tests\n');
const r = spawnSync(process.execPath, ['--experimental-vm-modules', bin('jest'), ...jestArgs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
});
let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(results, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + json.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
