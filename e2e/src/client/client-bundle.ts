/**
 * Running the real client bundle (dist/apps/client/main.mjs) as a child process, and making .sec files
 * for it. The bundle is built once per test run by `ensureClientBundle`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateX25519KeyPair } from '@clawchat/crypto';
import { generateBootstrapKey, writeSecFile, type SecBody } from '@clawchat/security-file';

export const ROOT = resolve(__dirname, '../../..');
export const CLIENT_BUNDLE = join(ROOT, 'dist/apps/client/main.mjs');

let built = false;

export function ensureClientBundle(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'tools/build/bundle.mjs'), 'client'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the client bundle failed:\n${r.stderr}`);
  built = true;
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A scratch home for one test: HOME, XDG_STATE_HOME and a folder for .sec files, removed by `cleanup`. */
export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'clawchat-e2e-client-'));
  mkdirSync(join(dir, 'home'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    XDG_STATE_HOME: join(dir, 'state'),
    CLAWCHAT_SECURITY_DIR: join(dir, 'security'),
    LANG: 'C.UTF-8',
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runClient(args: string[], o: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number }): Promise<ClientRun> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLIENT_BUNDLE, ...args], { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`clawchat ${args.join(' ')} did not exit within ${o.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, o.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(o.input ?? '');
  });
}

/** `issuedAgoMs`: how long before now the ticket was issued (past its validity: an expired .sec). */
export function secBody(relay: { host: string; port: number }, validForMs = 11 * 60_000, issuedAgoMs = 0): SecBody {
  const now = Date.now() - issuedAgoMs;
  return {
    v: 1,
    relays: [relay],
    relayPublicKey: generateX25519KeyPair().publicKey.toString('base64'),
    ticketId: Buffer.alloc(16, 7).toString('base64url'),
    psk: Buffer.alloc(32, 5).toString('base64'),
    issuedAt: now,
    expiresAt: now + validForMs,
    protocol: 1,
  };
}

/** Writes a .sec for `relay` sealed with a fresh bootstrap key; returns the key. `expiredAgoMs`: one that expired that long ago. */
export async function makeSec(path: string, relay: { host: string; port: number }, o: { expiredAgoMs?: number } = {}): Promise<string> {
  const key = generateBootstrapKey();
  const validForMs = 11 * 60_000;
  await writeSecFile(path, secBody(relay, validForMs, o.expiredAgoMs === undefined ? 0 : validForMs + o.expiredAgoMs), key);
  return key;
}

/** A UDP socket on 127.0.0.1 that receives and never answers: a relay that is down or firewalled. */
export async function silentUdpPort(): Promise<{ port: number; received: () => number; close(): void }> {
  const socket: Socket = createSocket('udp4');
  let received = 0;
  socket.on('message', () => received++);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, received: () => received, close: () => socket.close() };
}
