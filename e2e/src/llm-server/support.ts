/**
 * Process-level test support for the LLM server: build the bundle, spawn it on a free port with
 * temporary folders, and talk to it like the relay does (InitiatorEndpoint + UdpDriver with the
 * local key, client sessions multiplexed as streams N*4+class).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CredentialKind,
  decodeMessage,
  encodeMessage,
  InitiatorEndpoint,
  LOCAL_PATTERN,
  localStreamId,
  newMessageId,
  streamClassFor,
  type EncodableMessage,
  type Message,
  type SecureSession,
} from '@clawchat/protocol';
import { monotonicNow, UdpDriver } from '@clawchat/protocol/node';
import { offlineEnv, startFakeChatServer } from '@clawchat/testing';

export const ROOT = resolve(__dirname, '../../..');
export const BUNDLE = join(ROOT, 'dist/apps/llm-server/main.cjs');

export function buildBundle(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'tools/build/bundle.mjs'), 'llm-server'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundle build failed: ${r.stderr}`);
}

export interface Dirs {
  root: string;
  context: string;
  files: string;
  state: string;
  cleanup(): void;
}

export function tempDirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), 'clawchat-llm-e2e-'));
  const dirs = { root, context: join(root, 'context'), files: join(root, 'files'), state: join(root, 'state') };
  for (const d of [dirs.context, dirs.files, dirs.state]) mkdirSync(d, { recursive: true });
  return { ...dirs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ServerProcess {
  proc: ChildProcess;
  port: number;
  stderr(): string;
  /** Resolves when the server's stderr matches `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Environment without the developer's provider keys, so every test runs offline. */
export const cleanEnv = offlineEnv;

export function startServer(dirs: Dirs, opts: { env?: Record<string, string>; args?: string[] } = {}): Promise<ServerProcess> {
  const args = [BUNDLE, '--port', '0', '--context-dir', dirs.context, '--files-dir', dirs.files, '--state-dir', dirs.state, ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { cwd: dirs.root, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | string>((res) => proc.on('exit', (code, signal) => res(code ?? signal ?? -1)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 20 s:\n${stderr}`)), 20_000);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /\[llm\] listening on 127\.0\.0\.1:(\d+) \(provider ([^,]+), context /.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          proc,
          port: Number(m[1]),
          stderr: () => stderr,
          waitForLog: (pattern, timeoutMs = 10_000) =>
            new Promise<void>((res, rej) => {
              if (pattern.test(stderr)) return res();
              const t = setTimeout(() => {
                proc.stderr?.off('data', onData);
                rej(new Error(`log never matched ${pattern}:\n${stderr}`));
              }, timeoutMs);
              const onData = () => {
                if (!pattern.test(stderr)) return;
                clearTimeout(t);
                proc.stderr?.off('data', onData);
                res();
              };
              proc.stderr?.on('data', onData);
            }),
          stop: async (signal = 'SIGTERM') => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

export function readLocalKey(dirs: Dirs): Buffer {
  return Buffer.from(readFileSync(join(dirs.state, 'local.key'), 'utf8').trim(), 'base64');
}

export interface Received {
  streamId: number;
  message: Message;
}

/** A relay-like peer on the local link. */
export class LinkPeer {
  readonly received: Received[] = [];
  private waiters = new Set<() => void>();
  session!: SecureSession;
  closed: { code: number; reason: string } | undefined;

  private constructor(
    readonly endpoint: InitiatorEndpoint,
    readonly driver: UdpDriver,
  ) {}

  static async connect(port: number, key: Buffer, opts: { handshakeTimeoutMs?: number; host?: string; bindHost?: string } = {}): Promise<LinkPeer> {
    const endpoint = new InitiatorEndpoint({
      pattern: LOCAL_PATTERN,
      remote: { address: opts.host ?? '127.0.0.1', port },
      identity: key,
      kind: CredentialKind.LOCAL,
      credentialId: Buffer.alloc(16),
      psk: key,
      deviceName: 'e2e-relay',
      now: monotonicNow(),
      handshakeTimeoutMs: opts.handshakeTimeoutMs,
    });
    const holder: { peer?: LinkPeer } = {};
    const driver = await UdpDriver.bind({ host: opts.bindHost ?? '127.0.0.1', port: 0, onActivity: () => holder.peer?.onActivity() });
    const peer = (holder.peer = new LinkPeer(endpoint, driver));
    driver.attach(endpoint);
    await peer.until(() => endpoint.state !== 'handshaking', (opts.handshakeTimeoutMs ?? 10_000) + 5_000);
    if (endpoint.state !== 'established') {
      await driver.close();
      throw new Error(`handshake ${endpoint.state}`);
    }
    peer.session = endpoint.session as SecureSession;
    return peer;
  }

  private onActivity(): void {
    for (const e of this.endpoint.drainEvents()) {
      if (e.kind === 'sessionEvent' && e.event.kind === 'message') {
        this.received.push({ streamId: e.event.streamId, message: decodeMessage(e.event.data) });
      } else if (e.kind === 'sessionEvent' && e.event.kind === 'closed') {
        this.closed = { code: e.event.code, reason: e.event.reason };
      }
    }
    for (const w of [...this.waiters]) w();
  }

  until(pred: () => boolean, timeoutMs = 20_000): Promise<void> {
    return new Promise((res, rej) => {
      if (pred()) return res();
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        rej(new Error(`condition not reached within ${timeoutMs} ms; received: ${this.received.map((r) => r.message.type).join(',')}`));
      }, timeoutMs);
      const check = () => {
        if (!pred()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        res();
      };
      this.waiters.add(check);
    });
  }

  /** Sends `msg` for client session `client` on the stream its type belongs to (or `streamClass`). */
  send(client: number, msg: EncodableMessage, streamClass = streamClassFor(msg.type)): number {
    const streamId = localStreamId(client, streamClass);
    this.session.send(streamId, encodeMessage(msg));
    this.driver.kick();
    return streamId;
  }

  sendRaw(streamId: number, bytes: Uint8Array): void {
    this.session.send(streamId, bytes);
    this.driver.kick();
  }

  open(client: number, device = `device-${client}`): void {
    this.send(client, { type: 'CLIENT_OPEN', sessionId: String(client), device, fingerprint: `fp${client}` }, 0);
  }

  /** Messages answering request `id` (re = id). */
  answers(id: string): Received[] {
    return this.received.filter((r) => (r.message as { re?: string }).re === id);
  }

  /** Sends a request and waits for its end (OK, ERROR, WELCOME, PONG, CHAT_DONE, FILE_DONE) on the same stream. */
  async request(client: number, msg: EncodableMessage & { id: string }, timeoutMs = 20_000): Promise<{ end: Message; pieces: Received[] }> {
    const streamId = this.send(client, msg);
    const ends = ['OK', 'ERROR', 'WELCOME', 'PONG', 'CHAT_DONE', 'FILE_DONE'];
    const isEnd = (r: Received) => r.streamId === streamId && ends.includes(r.message.type);
    await this.until(() => this.answers(msg.id).some(isEnd), timeoutMs);
    const all = this.answers(msg.id).filter((r) => r.streamId === streamId);
    const endIndex = all.findIndex(isEnd);
    return { end: all[endIndex].message, pieces: all.slice(0, endIndex) };
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}

export const id = newMessageId;

/** The OK result of an answer, typed by the caller. */
export function resultOf<T>(m: Message): T {
  return (m as unknown as { result: T }).result;
}

/** A minimal OpenAI chat-completions server (SSE) that records each request's body. */
export interface FakeOpenAi {
  url: string;
  requests: { messages: { role: string; content: string }[] }[];
  close(): Promise<void>;
}

export async function startFakeOpenAi(reply: (n: number) => string[]): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  const server = await startFakeChatServer(
    (_question, stream, body) => {
      requests.push(JSON.parse(body));
      for (const text of reply(requests.length)) stream.write({ role: 'assistant', content: text });
      stream.finish();
    },
    { model: 'fake-model' },
  );
  return { url: server.baseUrl, requests, close: () => server.close() };
}
