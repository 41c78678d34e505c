/** Human-readable `clawchat-relay status`. */
import type { RelayStatus } from './relay';

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatStatus(s: RelayStatus): string {
  const lines = [
    `relay      up ${ago(s.uptimeMs)}, listening on ${s.listen}, clients dial ${s.endpoints.join(', ')}`,
    `llm server ${s.llm.address} ${s.llm.reachable ? 'reachable' : 'NOT REACHABLE'}`,
    `.sec       ${s.secFile}${s.secExpiresAt ? ` (valid until ${new Date(s.secExpiresAt).toLocaleTimeString()})` : ''}`,
    `sessions   ${s.clients.length} connected, ${s.handshakes} handshakes since start`,
  ];
  for (const c of s.clients) {
    lines.push(`  #${c.sessionId} ${c.device} (${c.fingerprint}) from ${c.address}, up ${ago(c.connectedForMs)}, rtt ${c.rttMs} ms, keys ${ago(c.keyAgeMs)} old, next rotation in ${ago(c.nextRekeyInMs)}`);
  }
  lines.push(`devices    ${s.peers.length} known`);
  for (const p of s.peers) lines.push(`  ${p.device} (${p.fingerprint}), last seen ${new Date(p.lastSeen).toLocaleString()}`);
  const drops = Object.entries(s.drops).filter(([, n]) => n > 0);
  lines.push(`dropped    ${drops.length ? drops.map(([k, n]) => `${k} ${n}`).join(', ') : 'nothing'}`);
  return lines.join('\n') + '\n';
}
