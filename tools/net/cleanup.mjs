#!/usr/bin/env node
// Removes what namespace test runs left behind when they were killed before their own cleanup ran:
// network namespaces named ccnet-<pid>-... (killing the test programs still inside them) and temporary
// folders named clawchat-net-<pid>-..., in both cases only when process <pid> no longer exists. A
// live run's namespaces and folders are never touched. Run by test-net.mjs after Jest, and by every
// test network before it is built (e2e/src/net/support/topology.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NAMESPACE_PREFIX = 'ccnet';
export const TEMP_PREFIX = 'clawchat-net';

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const ownerOf = (name, prefix) => {
  const m = new RegExp(`^${prefix}-(\\d+)-`).exec(name);
  return m ? Number(m[1]) : undefined;
};

function removeNamespace(ns) {
  const pids = (spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '')
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
  spawnSync('ip', ['netns', 'del', ns]);
}

/** Returns what it removed, for the caller to mention. */
export function removeStale() {
  const removed = [];
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of (list.stdout ?? '').split('\n')) {
    const ns = line.split(' ')[0];
    const owner = ns && ownerOf(ns, NAMESPACE_PREFIX);
    if (owner && !pidAlive(owner)) {
      removeNamespace(ns);
      removed.push(ns);
    }
  }
  for (const entry of readdirSync(os.tmpdir())) {
    const owner = ownerOf(entry, TEMP_PREFIX);
    if (owner && !pidAlive(owner)) {
      rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
      removed.push(path.join(os.tmpdir(), entry));
    }
  }
  return removed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const removed = removeStale();
  if (removed.length) process.stdout.write(`removed leftovers of killed net test runs: ${removed.join(', ')}\n`);
}
