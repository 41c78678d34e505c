// Bundles one benchmark entry (TypeScript, with the @clawchat/* aliases from tsconfig.base.json) into
// tmp/bench/<name>.cjs, so benchmarks run the same transpiled, bundled code the shipped apps run.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const outDir = path.join(root, 'tmp/bench');

function aliases() {
  const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  const alias = {};
  for (const [name, [target]] of Object.entries(tsconfig.compilerOptions.paths)) alias[name] = path.join(root, target);
  return alias;
}

/** Returns the absolute path of the bundle. */
export async function bundleEntry(entry, name) {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.cjs`);
  await build({
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // Not minified: the module comments esbuild leaves in let the CPU profile summary name source files.
    sourcemap: true,
    alias: aliases(),
    tsconfig: path.join(root, 'tsconfig.base.json'),
    logLevel: 'warning',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return outfile;
}
