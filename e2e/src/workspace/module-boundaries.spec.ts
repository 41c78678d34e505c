import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** Plants a file with one import in a project, lints it, and removes it again. */
function lintPlanted(project: string, importLine: string): { status: number | null; output: string } {
  const file = path.join(root, project, 'src', `planted-import-${process.pid}.ts`);
  writeFileSync(file, `${importLine}\nexport const planted = typeof imported;\n`);
  try {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), file], { cwd: root, encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(file, { force: true });
  }
}

describe('module boundaries are enforced by lint', () => {
  beforeAll(() => {
    // The boundary rule reads Nx's cached project graph and silently skips itself without one.
    const r = spawnSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });
    expect(r.status).toBe(0);
  });

  test('the relay may not import context (it must stay transparent)', () => {
    const r = lintPlanted('apps/relay', "import * as imported from '@clawchat/context';");
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/enforce-module-boundaries/);
  });

  test('the client may not import the LLM server libraries', () => {
    const r = lintPlanted('apps/client', "import * as imported from '@clawchat/file-protocol';");
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/enforce-module-boundaries/);
  });

  test('crypto imports nothing of ours', () => {
    const r = lintPlanted('libs/crypto', "import * as imported from '@clawchat/protocol';");
    expect(r.status).not.toBe(0);
  });

  test('an allowed import passes (so the failures above are about the boundary)', () => {
    const r = lintPlanted('apps/relay', "import * as imported from '@clawchat/security-file';");
    expect(r.output).not.toMatch(/enforce-module-boundaries/);
    expect(r.status).toBe(0);
  });
});
