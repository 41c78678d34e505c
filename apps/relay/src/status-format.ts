/** Human-readable `clawchat-relay status`. */
import type { RelayStatus } from './relay';

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Local time as YYYY-MM-DD HH:MM:SS: the same in every locale, and sortable like the log's ISO times. */
export function localTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function formatStatus(s: RelayStatus): string {
  const lines = [
    `relay      up ${ago(s.uptimeMs)}, listening on ${s.listen}, clients dial ${s.endpoints.join(', ')}`,
    `llm server ${s.llm.address} ${s.llm.reachable ? 'reachable' : 'NOT REACHABLE'}`,
    `.sec       ${s.secFile} ${
      s.secExpiresAt
        ? `(valid until ${localTimestamp(s.secExpiresAt)})`
        : '(used or expired: a new one is written once no device is connected; `clawchat-relay issue` writes one now)'
    }`,
    `sessions   ${s.clients.length} connected, ${s.handshakes} handshakes since start`,
  ];
  for (const c of s.clients) {
    lines.push(`  #${c.sessionId} ${c.device} (${c.fingerprint}) from ${c.address}, up ${ago(c.connectedForMs)}, rtt ${c.rttMs} ms, keys ${ago(c.keyAgeMs)} old, next rotation in ${ago(c.nextRekeyInMs)}`);
  }
  lines.push(`devices    ${s.peers.length} known`);
  const connected = new Set(s.clients.map((c) => c.fingerprint));
  for (const p of s.peers) lines.push(`  ${p.device} (${p.fingerprint}), ${connected.has(p.fingerprint) ? 'connected now' : `last seen ${localTimestamp(p.lastSeen)}`}`);
  const drops = Object.entries(s.drops).filter(([, n]) => n > 0);
  lines.push(`dropped    ${drops.length ? drops.map(([k, n]) => `${k} ${n}`).join(', ') : 'nothing'}`);
  return lines.join('\n') + '\n';
}
