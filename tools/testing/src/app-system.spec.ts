import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { appBundles, currentSecFile, makeAppDirs, offlineEnv, readBootstrapKey, serverEnv } from './app-system';
import { tempDir } from './temp-dir';

test('makeAppDirs creates the folders and copies the starter files that exist', () => {
  const t = tempDir('clawchat-testing-');
  try {
    const from = path.join(t.dir, 'starter');
    mkdirSync(from);
    writeFileSync(path.join(from, 'SOUL.md'), 'soul');
    const dirs = makeAppDirs(path.join(t.dir, 'sys'), { fromDir: from, files: ['SOUL.md', 'MISSING.md'] });
    for (const d of Object.values(dirs)) expect(existsSync(d)).toBe(true);
    expect(readFileSync(path.join(dirs.context, 'SOUL.md'), 'utf8')).toBe('soul');
    expect(existsSync(path.join(dirs.context, 'MISSING.md'))).toBe(false);
    expect(serverEnv(dirs)).toEqual({
      CLAWCHAT_STATE_DIR: dirs.state,
      CLAWCHAT_SECURITY_DIR: dirs.security,
      CLAWCHAT_FILES_DIR: dirs.files,
      CLAWCHAT_CONTEXT_DIR: dirs.context,
      CLAWCHAT_LLM_PROVIDER: 'offline',
    });
    expect(currentSecFile(dirs)).toBe(path.join(dirs.security, 'clawchat-current.sec'));
    writeFileSync(path.join(dirs.security, 'bootstrap.key'), 'ccbk1_abc\n');
    expect(readBootstrapKey(dirs)).toBe('ccbk1_abc');
  } finally {
    t.cleanup();
  }
  expect(existsSync(t.dir)).toBe(false);
});

test('appBundles names the built bundles under the root', () => {
  expect(appBundles('/repo')).toEqual({ llm: '/repo/dist/apps/llm-server/main.cjs', relay: '/repo/dist/apps/relay/main.cjs', client: '/repo/dist/apps/client/main.mjs' });
});

test('offlineEnv drops provider keys, endpoints and CLAWCHAT_* settings', () => {
  const saved = { ...process.env };
  Object.assign(process.env, { OPENAI_API_KEY: 'sk-x', DEEPSEEK_BASE_URL: 'http://x', CLAWCHAT_LLM_PROVIDER: 'openai', CI: '1', KEEP_ME: 'yes' });
  try {
    const env = offlineEnv({ CLAWCHAT_STATE_DIR: '/s' });
    expect(env.OPENAI_API_KEY).toBeUndefined();
    expect(env.DEEPSEEK_BASE_URL).toBeUndefined();
    expect(env.CLAWCHAT_LLM_PROVIDER).toBeUndefined();
    expect(env.CI).toBeUndefined();
    expect(env.KEEP_ME).toBe('yes');
    expect(env.CLAWCHAT_STATE_DIR).toBe('/s');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
