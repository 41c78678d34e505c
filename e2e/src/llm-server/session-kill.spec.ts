/**
 * kill -9 at 50 random moments while the real ConversationStore writes turns in a loop: the session
 * file always parses and holds every turn the writer reported complete ("done N" is printed after
 * each save() returned).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './support';

jest.setTimeout(120_000);

const KILLS = 50;
let work: string;
let writer: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'clawchat-kill-'));
  writer = join(work, 'session-writer.cjs');
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  const alias: Record<string, string> = {};
  for (const [name, [target]] of Object.entries(tsconfig.compilerOptions.paths)) alias[name] = join(ROOT, target);
  await build({
    entryPoints: [join(ROOT, 'apps/llm-server/src/tools/session-writer.ts')],
    outfile: writer,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    alias,
    logLevel: 'warning',
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the writer until it has reported at least one turn, then kills it after a random delay. */
function runAndKill(stateDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, stateDir, '300'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    child.stdout.on('data', (c: string) => {
      out += c;
      if (armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 30));
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (${code}): ${err}`));
      const done = [...out.matchAll(/^done (\d+)$/gm)].map((m) => Number(m[1]));
      resolve(done.length ? Math.max(...done) : -1);
    });
  });
}

test(`the session file survives ${KILLS} SIGKILLs with every reported turn`, async () => {
  const stateDir = join(work, 'state');
  let reported = -1;
  for (let i = 0; i < KILLS; i++) {
    reported = Math.max(reported, await runAndKill(stateDir));
    const session = JSON.parse(readFileSync(join(stateDir, 'llm_session.json'), 'utf8')) as { nextIndex: number; turns: { index: number; id: string }[] };
    const indices = session.turns.map((t) => t.index);
    // Every turn reported done is there, in order, with nothing missing in between.
    expect(session.nextIndex).toBeGreaterThan(reported);
    expect(indices).toEqual(Array.from({ length: session.nextIndex }, (_, k) => k));
    expect(session.turns[reported]?.id).toBe(`turn-${reported}`);
  }
  expect(reported).toBeGreaterThan(KILLS); // the writer made real progress between kills
  // Never a broken file: nothing was ever moved aside as corrupt.
  expect(readdirSync(stateDir).filter((n) => n.includes('corrupt'))).toEqual([]);
});
