#!/usr/bin/env node
// `npm run relay -- ARGS` / `npm run llm -- ARGS` / `npm run clawchat -- ARGS`: builds the app's bundle when
// its sources are newer than the bundle, then runs it with the given arguments in the current directory.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [app, ...args] = process.argv.slice(2);
const out = { relay: 'main.cjs', 'llm-server': 'main.cjs', client: 'main.mjs' }[app];
if (!out) {
  console.error('usage: run-app.mjs <relay|llm-server|client> [args...]');
  process.exit(2);
}
const bundle = path.join(root, 'dist/apps', app, out);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|tsx|json)$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const sources = Math.max(newestMtime(path.join(root, 'apps', app, 'src')), newestMtime(path.join(root, 'libs')));
if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
  const r = spawnSync(process.execPath, [path.join(root, 'tools/build/bundle.mjs'), app], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ['--enable-source-maps', bundle, ...args], { stdio: 'inherit' });
// Ctrl+C in a terminal reaches the whole process group, the child included: don't send it twice.
process.on('SIGINT', () => undefined);
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
