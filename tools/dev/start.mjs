#!/usr/bin/env node
// `npm start`: the whole system on this machine. Builds the three bundles when needed, starts the LLM
// server and the relay with their state under .clawchat-dev/ (offline provider unless an API key is
// configured in .env or the environment), waits until both are ready, then opens the terminal client
// already connected with the fresh .sec. When the client exits (Ctrl+C twice, /quit), the relay and
// the LLM server are stopped too. Their logs go to .clawchat-dev/logs/ so they never draw over the TUI.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dev = path.resolve(process.env.CLAWCHAT_DEV_DIR ?? path.join(root, '.clawchat-dev'));
const dirs = {
  state: path.join(dev, 'data'),
  security: path.join(dev, 'security'),
  files: path.join(dev, 'files'),
  context: path.join(dev, 'context'),
  logs: path.join(dev, 'logs'),
  client: path.join(dev, 'client-state'),
};
for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
// The user's context starts as a copy of the repo's starter files and is theirs to edit from then on.
if (readdirSync(dirs.context).length === 0) cpSync(path.join(root, 'context'), dirs.context, { recursive: true });

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|tsx)$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}
const bundles = { 'llm-server': 'main.cjs', relay: 'main.cjs', client: 'main.mjs' };
const libsTime = newest(path.join(root, 'libs'));
for (const [app, file] of Object.entries(bundles)) {
  const out = path.join(root, 'dist/apps', app, file);
  if (existsSync(out) && statSync(out).mtimeMs >= Math.max(libsTime, newest(path.join(root, 'apps', app, 'src')))) continue;
  process.stdout.write(`building ${app}...\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'tools/build/bundle.mjs'), app], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const env = {
  ...process.env,
  CLAWCHAT_STATE_DIR: dirs.state,
  CLAWCHAT_SECURITY_DIR: dirs.security,
  CLAWCHAT_FILES_DIR: dirs.files,
  CLAWCHAT_CONTEXT_DIR: dirs.context,
};
const children = [];

/** A value from ./.env (the servers load it themselves; the client gets what they used). */
function readDotEnv(name) {
  try {
    const line = readFileSync(path.join(root, '.env'), 'utf8')
      .split('\n')
      .find((l) => l.trim().startsWith(`${name}=`));
    return line ? line.slice(line.indexOf('=') + 1).trim().replace(/^(['"])(.*)\1$/, '$2') : '';
  } catch {
    return '';
  }
}

/** Starts a server with its stderr teed into a log file; resolves with the first line matching `ready`. */
function startServer(name, args, ready) {
  const log = createWriteStream(path.join(dirs.logs, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--enable-source-maps', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let seen = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      const m = seen.match(ready);
      if (m) {
        child.stderr.off('data', onData);
        child.stderr.on('data', (c) => log.write(c));
        resolve(m);
      }
    };
    child.stdout.on('data', (c) => log.write(c));
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited (code ${code}) before it was ready:\n${seen.trim().split('\n').slice(-6).join('\n')}`)));
  });
}

function stopAll() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
}
process.on('exit', stopAll);
// The TUI handles Ctrl+C itself (twice to quit); a SIGINT that reaches us is for the whole group.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  stopAll();
  process.exit(143);
});

try {
  const llm = await startServer('llm', ['dist/apps/llm-server/main.cjs', '--port', process.env.CLAWCHAT_LLM_PORT ?? '0'], /listening on \S*?:(\d+)/);
  const llmPort = llm[1];
  const relay = await startServer(
    'relay',
    ['dist/apps/relay/main.cjs', '--ip', '127.0.0.1', '--llm-port', llmPort],
    /\[relay\] ready port=(\d+) sec=(.+)/,
  );
  const secFile = relay[2].trim();
  // The relay uses CLAWCHAT_BOOTSTRAP_KEY when it is set (environment or .env) and only otherwise
  // the key it generated in the security folder; the client must use the same one.
  const bootstrapKey = process.env.CLAWCHAT_BOOTSTRAP_KEY?.trim() || readDotEnv('CLAWCHAT_BOOTSTRAP_KEY') || readFileSync(path.join(dirs.security, 'bootstrap.key'), 'utf8').trim();
  process.stdout.write(
    `LLM server on 127.0.0.1:${llmPort}, relay on 127.0.0.1:${relay[1]} (logs in ${path.relative(process.cwd(), dirs.logs) || dirs.logs}); opening the client...\n`,
  );
  const client = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/client/main.mjs', secFile], {
    cwd: root,
    stdio: 'inherit',
    env: { ...env, CLAWCHAT_BOOTSTRAP_KEY: bootstrapKey, XDG_STATE_HOME: dirs.client, CLAWCHAT_DOWNLOAD_DIR: path.join(dev, 'downloads') },
  });
  children.push(client);
  const code = await new Promise((resolve) => client.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
  stopAll();
  process.exit(code);
} catch (err) {
  process.stderr.write(`npm start: ${err.message}\n`);
  stopAll();
  process.exit(1);
}
