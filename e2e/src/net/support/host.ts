/**
 * Running the host's network tools (ip, iptables, conntrack) synchronously, inside a namespace or not.
 * Each failure throws one line naming the command and what it printed, so a broken setup reads plainly.
 */
import { spawnSync } from 'node:child_process';

export function run(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: 30_000 });
  if ((r.status !== 0 || r.error) && !opts.allowFail) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').join(' | ');
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why}`);
  }
  return r.stdout ?? '';
}

/** `ip netns exec NS cmd args...` */
export function inNs(ns: string, cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  return run('ip', ['netns', 'exec', ns, cmd, ...args], opts);
}

/** Whether this process may create namespaces and rules (root), and the tools exist. */
export function netTestsPossible(): { ok: true } | { ok: false; why: string } {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, why: 'needs root (network namespaces)' };
  for (const tool of ['ip', 'iptables', 'conntrack']) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (r.error) return { ok: false, why: `needs ${tool} (apt-get install -y iproute2 iptables conntrack)` };
  }
  return { ok: true };
}
