/**
 * The whole system spread over the test network: the real LLM server and relay (their bundles) in the
 * relay namespace, talking over that namespace's 127.0.0.1; the real client CLI in the client
 * namespace, reaching the relay only through the NAT; the relay's admin command for its counters.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LLM_READY_LINE, RELAY_READY_LINE, STARTER_CONTEXT_FILES, currentSecFile, makeAppDirs, readBootstrapKey, serverEnv, type AppDirs } from '@clawchat/testing';
import { BUNDLES, ROOT, tempDir } from '../../support/processes';
import { NsServer, nsRun, type RunResult } from './ns-process';
import { ADDR, Topology } from './topology';

/** The parts of `clawchat-relay status --json` these tests read. */
export interface RelayStatus {
  clients: { sessionId: number; device: string; address: string }[];
  drops: Record<string, number>;
  handshakes: number;
}

export class NetSystem {
  readonly net: Topology;
  readonly root: string;
  readonly dirs: AppDirs & { downloads: string };
  llm: NsServer | undefined;
  relay: NsServer | undefined;
  relayPort = 0;
  private readonly removeDir: () => void;

  private constructor() {
    // The pid in the name lets tools/net/cleanup.mjs remove the folder if this run is killed.
    const t = tempDir(`clawchat-net-${process.pid}-`);
    this.root = t.dir;
    this.removeDir = t.cleanup;
    this.dirs = { ...makeAppDirs(t.dir, { fromDir: path.join(ROOT, 'context'), files: STARTER_CONTEXT_FILES }), downloads: path.join(t.dir, 'downloads') };
    mkdirSync(this.dirs.downloads, { recursive: true });
    try {
      this.net = Topology.create();
    } catch (err) {
      this.removeDir();
      throw err;
    }
  }

  /** Network, LLM server and relay; on failure everything made so far is removed again. */
  static async start(): Promise<NetSystem> {
    const s = new NetSystem();
    try {
      s.llm = new NsServer('llm', s.net.ns.relay, [BUNDLES.llm, '--port', '0'], { cwd: s.root, env: s.serverEnv });
      const llmPort = Number((await s.llm.waitFor(LLM_READY_LINE))[1]);
      s.relay = new NsServer('relay', s.net.ns.relay, [BUNDLES.relay, '--ip', ADDR.relay, '--llm-port', String(llmPort)], { cwd: s.root, env: s.serverEnv });
      s.relayPort = Number((await s.relay.waitFor(RELAY_READY_LINE))[1]);
    } catch (err) {
      await s.stop();
      throw err;
    }
    return s;
  }

  private get serverEnv(): Record<string, string> {
    return serverEnv(this.dirs);
  }

  get secFile(): string {
    return currentSecFile(this.dirs);
  }

  /**
   * Starts the real client CLI in the client namespace (one device = one credential store).
   *
   * Commands without --sec need the resumption credential the device stored at its first contact;
   * the client saves it before it exits (this once was a race, now fixed), so its absence fails the test.
   */
  async cliStart(args: string[], opts: { device?: string; timeoutMs?: number } = {}): Promise<ReturnType<typeof nsRun>> {
    const device = opts.device ?? 'laptop';
    if (!args.includes('--sec') && !this.hasStoredCredential(device)) {
      throw new Error(`device "${device}" stored no resumption credential at its first contact, so \`${args.join(' ')}\` has nothing to connect with`);
    }
    return nsRun(this.net.ns.client, [BUNDLES.client, ...args], {
      cwd: this.dirs.downloads,
      timeoutMs: opts.timeoutMs ?? 60_000,
      env: {
        CLAWCHAT_BOOTSTRAP_KEY: readBootstrapKey(this.dirs),
        CLAWCHAT_SECURITY_DIR: this.dirs.security,
        XDG_STATE_HOME: path.join(this.dirs.client, device),
      },
    });
  }

  async cli(args: string[], opts: { device?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return (await this.cliStart(args, opts)).done;
  }

  private hasStoredCredential(device = 'laptop'): boolean {
    const file = path.join(this.dirs.client, device, 'clawchat', 'credentials.json');
    if (!existsSync(file)) return false;
    try {
      return ((JSON.parse(readFileSync(file, 'utf8')) as { relays?: unknown[] }).relays ?? []).length > 0;
    } catch {
      return false;
    }
  }

  /** `clawchat-relay <args>` on the relay's machine; throws unless it exits 0. */
  private async admin(args: string[]): Promise<string> {
    const r = await nsRun(this.net.ns.relay, [BUNDLES.relay, ...args], { cwd: this.root, env: this.serverEnv, timeoutMs: 15_000 }).done;
    if (r.code !== 0) throw new Error(`clawchat-relay ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** `clawchat-relay status --json`. */
  async status(): Promise<RelayStatus> {
    return (JSON.parse(await this.admin(['status', '--json'])) as { status: RelayStatus }).status;
  }

  /** `clawchat-relay issue`: a fresh single-use .sec for another device; returns its path. */
  async issueSec(): Promise<string> {
    const answer = JSON.parse(await this.admin(['issue', '--json'])) as { file: string };
    return answer.file;
  }

  /** The last lines of the servers' logs, for failure messages. */
  logTail(lines = 40): string {
    const tail = (p: NsServer | undefined) => (p?.output ?? '').trimEnd().split('\n').slice(-lines).join('\n');
    return `--- relay log (tail)\n${tail(this.relay)}\n--- llm log (tail)\n${tail(this.llm)}`;
  }

  /** Stops the programs, removes the namespaces and the temporary folder; safe to call twice. */
  async stop(): Promise<void> {
    await this.relay?.stop();
    await this.llm?.stop();
    this.net?.destroy();
    this.removeDir();
  }
}
