/**
 * The test network, made of four namespaces joined by veth pairs:
 *
 *   client 10.231.1.2 ──lan── nat 10.231.1.1 | 10.231.2.1 ──wan── 10.231.2.2 relay 10.231.3.1 ── 10.231.3.2 attacker
 *
 * The nat namespace forwards and masquerades UDP leaving on its wan side to a port range, like a home
 * router. The relay has no route back to 10.231.1.0/24, so the only way in is through the NAT. The
 * attacker sits on the relay's side and owns all of 10.231.128.0/17 (an AnyIP local route), so a
 * plain UDP socket can send from thousands of source addresses without raw sockets.
 *
 * Names carry this process's pid; `destroy` removes everything (killing what still runs inside), and
 * `removeStale` clears namespaces left behind by a test run that was killed.
 */
import path from 'node:path';
import { ROOT } from '../../support/processes';
import { inNs, run } from './host';

export const ADDR = {
  client: '10.231.1.2',
  natLan: '10.231.1.1',
  natWan: '10.231.2.1',
  relay: '10.231.2.2',
  relayAttackSide: '10.231.3.1',
  attacker: '10.231.3.2',
  /** Source addresses the attacker may use (AnyIP: every address of the block is local to it). */
  spoofBlock: '10.231.128.0/17',
} as const;

/** The NAT's first and second public port ranges (a router that renumbers its mappings). */
export const NAT_PORTS = { first: '40000-40999', second: '41000-41999' } as const;

/** Matches tools/net/cleanup.mjs, which removes namespaces of killed runs by this prefix and pid. */
const PREFIX = 'ccnet';
let counter = 0;

type Role = 'client' | 'nat' | 'relay' | 'attacker';

export class Topology {
  readonly ns: Record<Role, string>;
  private created: string[] = [];

  private constructor(tag: string) {
    const base = `${PREFIX}-${process.pid}-${tag}`;
    this.ns = { client: `${base}-cli`, nat: `${base}-nat`, relay: `${base}-rly`, attacker: `${base}-att` };
  }

  /** Builds the whole network; on any failure removes what it made and throws. */
  static create(): Topology {
    Topology.removeStale();
    const t = new Topology(String(++counter));
    try {
      t.build();
    } catch (err) {
      t.destroy();
      throw err;
    }
    return t;
  }

  private build(): void {
    const { client, nat, relay, attacker } = this.ns;
    for (const ns of [client, nat, relay, attacker]) {
      run('ip', ['netns', 'add', ns]);
      this.created.push(ns);
      // Each namespace starts with lo down: the LLM server and relay talk over 127.0.0.1.
      run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    this.veth(client, 'eth0', `${ADDR.client}/24`, nat, 'lan0', `${ADDR.natLan}/24`);
    this.veth(nat, 'wan0', `${ADDR.natWan}/24`, relay, 'wan0', `${ADDR.relay}/24`);
    this.veth(relay, 'att0', `${ADDR.relayAttackSide}/24`, attacker, 'eth0', `${ADDR.attacker}/24`);

    run('ip', ['-n', client, 'route', 'add', 'default', 'via', ADDR.natLan]);
    inNs(nat, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    this.setMasquerade(NAT_PORTS.first, 'append');
    // Replies to spoofed sources go back towards the attacker (so reverse-path checks pass), never further.
    run('ip', ['-n', relay, 'route', 'add', ADDR.spoofBlock, 'via', ADDR.attacker]);
    run('ip', ['-n', attacker, 'route', 'add', 'default', 'via', ADDR.relayAttackSide]);
    run('ip', ['-n', attacker, 'route', 'add', 'local', ADDR.spoofBlock, 'dev', 'lo']);
  }

  private veth(nsA: string, ifA: string, addrA: string, nsB: string, ifB: string, addrB: string): void {
    // Created directly inside the namespaces, so the host never sees (or collides on) these names.
    run('ip', ['link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
    run('ip', ['-n', nsA, 'addr', 'add', addrA, 'dev', ifA]);
    run('ip', ['-n', nsB, 'addr', 'add', addrB, 'dev', ifB]);
    run('ip', ['-n', nsA, 'link', 'set', ifA, 'up']);
    run('ip', ['-n', nsB, 'link', 'set', ifB, 'up']);
  }

  /** The NAT's UDP masquerade rule: rule 1 of POSTROUTING, appended once, replaced afterwards. */
  setMasquerade(ports: string, how: 'append' | 'replace' = 'replace'): void {
    const where = how === 'append' ? ['-A', 'POSTROUTING'] : ['-R', 'POSTROUTING', '1'];
    inNs(this.ns.nat, 'iptables', ['-t', 'nat', ...where, '-o', 'wan0', '-p', 'udp', '-j', 'MASQUERADE', '--to-ports', ports]);
  }

  /** Forgets every NAT mapping (the router rebooted its tables): the next packet gets a new one. */
  flushConntrack(): void {
    inNs(this.ns.nat, 'conntrack', ['-F'], { allowFail: false });
  }

  /** Drops each forwarded packet with this probability, in both directions (one FORWARD rule). */
  setLoss(probability: number): void {
    inNs(this.ns.nat, 'iptables', ['-F', 'FORWARD']);
    if (probability > 0) {
      inNs(this.ns.nat, 'iptables', ['-A', 'FORWARD', '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP']);
    }
  }

  /** Packets the loss rule dropped so far (its counter), to show the loss really happened. */
  lossDropped(): number {
    const out = inNs(this.ns.nat, 'iptables', ['-L', 'FORWARD', '-v', '-n', '-x']);
    const line = out.split('\n').find((l) => /statistic/.test(l));
    return line ? Number(line.trim().split(/\s+/)[0]) : 0;
  }

  /** The NAT's current UDP mappings towards the relay, as "public port" numbers. */
  natPorts(relayPort: number): number[] {
    const out = inNs(this.ns.nat, 'conntrack', ['-L', '-p', 'udp', '--dport', String(relayPort)], { allowFail: true });
    const ports: number[] = [];
    for (const line of out.split('\n')) {
      // Reply direction: src=relay dst=<nat wan> sport=relayPort dport=<public port>.
      const m = new RegExp(`src=${ADDR.relay.replace(/\./g, '\\.')} dst=${ADDR.natWan.replace(/\./g, '\\.')} sport=${relayPort} dport=(\\d+)`).exec(line);
      if (m) ports.push(Number(m[1]));
    }
    return ports;
  }

  /** Kernel-level UDP counters of a namespace (/proc/net/snmp), e.g. RcvbufErrors at the relay. */
  udpCounters(role: Role): Record<string, number> {
    const lines = inNs(this.ns[role], 'cat', ['/proc/net/snmp']).split('\n').filter((l) => l.startsWith('Udp:'));
    const names = lines[0].split(/\s+/).slice(1);
    const values = lines[1].split(/\s+/).slice(1).map(Number);
    return Object.fromEntries(names.map((n, i) => [n, values[i]]));
  }

  destroy(): void {
    for (const ns of this.created.splice(0).reverse()) removeNamespace(ns);
  }

  /** Leftovers of earlier runs that were killed (their pid is gone): tools/net/cleanup.mjs. */
  static removeStale(): void {
    run(process.execPath, [path.join(ROOT, 'tools/net/cleanup.mjs')]);
  }
}

/** Kills what still runs inside (only ever our own test processes), then deletes the namespace. */
function removeNamespace(ns: string): void {
  const pids = run('ip', ['netns', 'pids', ns], { allowFail: true })
    .split('\n')
    .map(Number)
    .filter((p) => p > 0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  run('ip', ['netns', 'del', ns], { allowFail: true });
}
