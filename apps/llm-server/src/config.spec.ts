import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@clawchat/llm';
import { loadConfig, mergeEnv } from './config';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const r = loadConfig({ argv, env, cwd: '/srv/claw' });
  if (r.kind !== 'run') throw new Error(`expected run, got ${r.kind}`);
  return r.config;
};

test('defaults: 127.0.0.1:55556, ./context, ./files, ./data under the working directory', () => {
  expect(run([])).toMatchObject({ host: '127.0.0.1', port: 55556, contextDirShown: './context', contextDir: '/srv/claw/context', filesDir: '/srv/claw/files', stateDir: '/srv/claw/data', debug: false });
});

test('.env, then the environment, then flags: the later wins', () => {
  const env = mergeEnv('CLAWCHAT_CONTEXT_DIR=/from/dotenv\nCLAWCHAT_STATE_DIR=/dotenv/state\nCLAWCHAT_FILES_DIR=/dotenv/files\n', { CLAWCHAT_STATE_DIR: '/env/state', CLAWCHAT_FILES_DIR: '/env/files' });
  const config = run(['--files-dir', '/flag/files', '--port=0'], env as Record<string, string>);
  expect(config).toMatchObject({ contextDir: '/from/dotenv', stateDir: '/env/state', filesDir: '/flag/files', port: 0 });
});

test('the port: --port over CLAWCHAT_LLM_PORT (which the relay dials too) over 55556', () => {
  expect(run([], { CLAWCHAT_LLM_PORT: '55600' }).port).toBe(55600);
  expect(run(['--port', '0'], { CLAWCHAT_LLM_PORT: '55600' }).port).toBe(0);
  expect(() => run([], { CLAWCHAT_LLM_PORT: 'x' })).toThrow(/CLAWCHAT_LLM_PORT/);
});

test('--help and --version', () => {
  expect(loadConfig({ argv: ['--help'], env: {}, cwd: '/' })).toEqual({ kind: 'help' });
  expect(loadConfig({ argv: ['-V'], env: {}, cwd: '/' })).toEqual({ kind: 'version' });
});

test.each([
  [['--port', '70000'], '--port'],
  [['--port', 'abc'], '--port'],
  [['--port'], '--port needs a value'],
  [['--colour'], 'unknown option'],
])('a bad flag %p is a one-line ConfigError naming it', (argv, expected) => {
  expect(() => loadConfig({ argv, env: {}, cwd: '/' })).toThrow(ConfigError);
  expect(() => loadConfig({ argv, env: {}, cwd: '/' })).toThrow(expected);
});

test('a bad upload limit names CLAWCHAT_MAX_UPLOAD_BYTES', () => {
  expect(() => run([], { CLAWCHAT_MAX_UPLOAD_BYTES: 'big' })).toThrow(/CLAWCHAT_MAX_UPLOAD_BYTES/);
  expect(run([], { CLAWCHAT_MAX_UPLOAD_BYTES: '1_000' }).maxUploadBytes).toBe(1000);
});

test('context caps come from CLAWCHAT_CONTEXT_FILE_CHARS / _TOTAL_CHARS; a bad one names the variable', () => {
  expect(run([], {})).toMatchObject({ contextFileChars: undefined, contextTotalChars: undefined });
  expect(run([], { CLAWCHAT_CONTEXT_FILE_CHARS: '5_000', CLAWCHAT_CONTEXT_TOTAL_CHARS: '12000' })).toMatchObject({ contextFileChars: 5000, contextTotalChars: 12000 });
  expect(() => run([], { CLAWCHAT_CONTEXT_TOTAL_CHARS: '-1' })).toThrow(/^CLAWCHAT_CONTEXT_TOTAL_CHARS must be a positive whole number of characters/);
  expect(() => run([], { CLAWCHAT_CONTEXT_FILE_CHARS: 'lots' })).toThrow(/CLAWCHAT_CONTEXT_FILE_CHARS/);
});

test('a files folder that would hand out the state folder, .env or the relay keys is refused', () => {
  const load = (env: Record<string, string>, argv: string[] = []) => loadConfig({ argv, env, cwd: '/srv/claw' });
  expect(() => load({ CLAWCHAT_FILES_DIR: '.' })).toThrow(/contains the state folder .* at \/srv\/claw\/data/);
  expect(() => load({ CLAWCHAT_FILES_DIR: '/srv', CLAWCHAT_STATE_DIR: '/var/lib/claw' })).toThrow(/contains the \.env file/);
  expect(() => load({ CLAWCHAT_FILES_DIR: '/var/lib/claw/shared/..', CLAWCHAT_STATE_DIR: '/tmp/st', CLAWCHAT_SECURITY_DIR: '/var/lib/claw/security' })).toThrow(
    /relay's security folder/,
  );
  expect(() => load({}, ['--files-dir', '/srv/claw/data'])).toThrow(/CLAWCHAT_FILES_DIR \(or --files-dir\)/);
  // Beside each other, or the files inside the state folder: nothing secret is served.
  expect(load({ CLAWCHAT_FILES_DIR: '/srv/claw/files' }).kind).toBe('run');
  expect(load({ CLAWCHAT_FILES_DIR: '/srv/claw/data/files' }).kind).toBe('run');
});

test('the secrets check sees through symlinks and is not fooled by a folder named "..data"', () => {
  const root = mkdtempSync(join(tmpdir(), 'clawchat-cfg-'));
  try {
    mkdirSync(join(root, 'data'));
    symlinkSync(root, join(root, 'share')); // CLAWCHAT_FILES_DIR=~/share with ~/share -> ~
    const load = (env: Record<string, string>) => loadConfig({ argv: [], env, cwd: root });
    expect(() => load({ CLAWCHAT_FILES_DIR: join(root, 'share') })).toThrow(/contains the state folder/);
    // A state folder named "..data" inside the files folder is inside it.
    expect(() => load({ CLAWCHAT_FILES_DIR: join(root, 'files'), CLAWCHAT_STATE_DIR: join(root, 'files', '..data') })).toThrow(/contains the state folder/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
