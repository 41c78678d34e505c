#!/usr/bin/env node
// Builds one app into dist/apps/<app>/ as a single file that runs with plain `node` and no node_modules.
// Relay and LLM server are CommonJS; the client is ESM (Ink is ESM-only) with a createRequire banner for
// the CommonJS packages it bundles, and react-devtools-core stubbed out (Ink imports it only in dev mode).
import { build } from 'esbuild';
import { mkdirSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const app = process.argv[2];
const apps = {
  relay: { entry: 'apps/relay/src/main.ts', out: 'main.cjs', format: 'cjs', bin: 'clawchat-relay' },
  'llm-server': { entry: 'apps/llm-server/src/main.ts', out: 'main.cjs', format: 'cjs', bin: 'clawchat-llm' },
  client: { entry: 'apps/client/src/main.tsx', out: 'main.mjs', format: 'esm', bin: 'clawchat' },
};
const spec = apps[app];
if (!spec) {
  console.error(`usage: bundle.mjs <${Object.keys(apps).join('|')}>`);
  process.exit(2);
}
const outdir = path.join(root, 'dist/apps', app);
mkdirSync(outdir, { recursive: true });
const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const alias = {};
for (const [name, [target]] of Object.entries(tsconfig.compilerOptions.paths)) alias[name] = path.join(root, target);
const stub = path.join(outdir, '.empty-stub.cjs');
writeFileSync(stub, 'module.exports = {};\n');
if (spec.format === 'esm') alias['react-devtools-core'] = stub;

await build({
  entryPoints: [path.join(root, spec.entry)],
  outfile: path.join(outdir, spec.out),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: spec.format,
  sourcemap: true,
  alias,
  tsconfig: path.join(root, 'tsconfig.base.json'),
  jsx: 'automatic',
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"' },
  banner:
    spec.format === 'esm'
      ? { js: "import { createRequire as __ccCreateRequire } from 'node:module'; const require = __ccCreateRequire(import.meta.url);" }
      : { js: '' },
});
// A tiny launcher named like the installed command, so `node dist/apps/relay/clawchat-relay` works too.
const launcher = path.join(outdir, spec.bin);
writeFileSync(launcher, `#!/usr/bin/env node\n${spec.format === 'esm' ? `import('./${spec.out}');` : `require('./${spec.out}');`}\n`);
chmodSync(launcher, 0o755);
console.log(`built dist/apps/${app}/${spec.out}`);
