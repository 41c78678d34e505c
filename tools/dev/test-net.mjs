#!/usr/bin/env node
// `npm run test:net`: the end-to-end tests that need root (network namespaces, a masquerading NAT,
// iptables loss, conntrack flushes, spoofed floods; e2e/src/net/). Builds the bundles when missing or
// older than their sources, runs Jest with e2e/jest.net.config.cjs, and ends with one summary line.
// Without root it says so and exits 0: these tests cannot run there, which is not a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeStale } from '../net/cleanup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  process.stdout.write('net tests: 0 passed, 0 failed — skipped: needs root (network namespaces)\n');
  process.exit(0);
}
for (const tool of ['ip', 'iptables', 'conntrack']) {
  if (spawnSync(tool, ['--version']).error) {
    process.stderr.write(`net tests cannot run: ${tool} is missing (apt-get install -y iproute2 iptables conntrack)\n`);
    process.exit(1);
  }
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|tsx|json)$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const bundles = { 'llm-server': 'main.cjs', relay: 'main.cjs', client: 'main.mjs' };
const libs = newestSource(path.join(root, 'libs'));
for (const [app, file] of Object.entries(bundles)) {
  const bundle = path.join(root, 'dist/apps', app, file);
  const sources = Math.max(libs, newestSource(path.join(root, 'apps', app, 'src')));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) continue;
  process.stdout.write(`== bundle ${app}\n`);
  const r = spawnSync(process.execPath, ['tools/build/bundle.mjs', app], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`bundle ${app} failed\nnet tests: 0 passed, 1 failed\n`);
    process.exit(1);
  }
}

// Ctrl+C reaches Jest and the servers too (one process group); this process stays to clean up after them.
process.on('SIGINT', () => {});

mkdirSync(path.join(root, 'tmp'), { recursive: true });
const results = path.join(root, 'tmp/jest-net-results.json');
rmSync(results, { force: true }); // a stale file must not be read as this run's results
const jest = path.join(root, 'node_modules/.bin/jest');
const started = Date.now();
const r = spawnSync(process.execPath, [jest, '-c', 'e2e/jest.net.config.cjs', '--runInBand', '--json', `--outputFile=${results}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CLAWCHAT_NET_TESTS: '1', NX_DAEMON: 'false' },
});
// Jest has exited, so nothing of this run is alive: whatever a killed or crashed test left is removed.
const leftovers = removeStale();
if (leftovers.length) process.stdout.write(`removed leftovers: ${leftovers.join(', ')}\n`);
let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(results, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + json.numRuntimeErrorTestSuites;
} catch {
  failed = 1;
}
process.stdout.write(`\nnet tests: ${passed} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)\n`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
