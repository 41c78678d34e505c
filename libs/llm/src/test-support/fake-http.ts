import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted HTTP server on 127.0.0.1 for tests: each request takes the next queued script (or the
 * standing one), and everything the client sent is recorded for assertions.
 */

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  receivedAt: number;
}

export interface ScriptContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: RecordedRequest;
}

export type Script = (ctx: ScriptContext) => void | Promise<void>;

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose connection the client closed before the response was complete. */
  clientAborts = 0;
  private readonly queue: Script[] = [];
  private standing: Script | undefined;
  private abortWaiters: Array<() => void> = [];
  private requestWaiters: Array<() => void> = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeHttpServer> {
    const server = createServer();
    const fake = new FakeHttpServer(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Queue scripts, one per coming request. */
  reply(...scripts: Script[]): this {
    this.queue.push(...scripts);
    return this;
  }

  /** Script for every request once the queue is empty. */
  replyAlways(script: Script): this {
    this.standing = script;
    return this;
  }

  /** Resolves when the client has closed a connection mid-response (now or later). */
  waitForClientAbort(): Promise<void> {
    if (this.clientAborts > 0) return Promise.resolve();
    return new Promise((resolve) => this.abortWaiters.push(resolve));
  }

  /** Resolves once at least `count` requests have arrived. */
  async waitForRequests(count = 1): Promise<void> {
    while (this.requests.length < count) await new Promise<void>((resolve) => this.requestWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    req.setEncoding('utf8');
    for await (const chunk of req) text += chunk as string;
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep raw text
    }
    const request: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, receivedAt: Date.now() };
    this.requests.push(request);
    const waiters = this.requestWaiters;
    this.requestWaiters = [];
    for (const wake of waiters) wake();
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientAborts++;
      const aborted = this.abortWaiters;
      this.abortWaiters = [];
      for (const wake of aborted) wake();
    });
    const script = this.queue.shift() ?? this.standing;
    if (!script) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('fake server: no script for this request');
      return;
    }
    await script({ req, res, request });
  }
}

/** Starts a server, notes its port, and closes it: connecting there is refused (an unreachable provider). */
export async function closedPortOrigin(): Promise<string> {
  const fake = await FakeHttpServer.start();
  const origin = fake.origin;
  await fake.stop();
  return origin;
}

export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
  res.flushHeaders();
}

/** Kills the TCP connection without a proper end: what a crashed proxy or server looks like. */
export function cutConnection(res: ServerResponse): void {
  res.socket?.destroy();
}
