/** Renders the transport section of docs/benchmarks.md from one run's results. */
import type { ProfileSummary } from '../shared/cpu-profile';
import { formatBytes, formatCount, formatMBps, formatPercent } from '../shared/format';
import {
  BULK_STREAM_ID,
  DATAGRAM_SIZE,
  HANDSHAKE_SOURCE_ADDRESSES,
  HANDSHAKE_WINDOW_MS,
  IDLE_SESSIONS,
  MAX_BUFFERED_BYTES,
  MESSAGE_BYTES,
  RAW_BATCH_DATAGRAMS,
  RUNS,
  THROUGHPUT_WARMUP_MS,
  THROUGHPUT_WINDOW_MS,
} from './constants';
import { median } from '../shared/stats';
import { RESPONDER_DH_PER_HANDSHAKE, summarise, type TransportResults } from './results';

/** The goal from the issue: the session keeps at least half of what raw UDP achieves on the same machine. */
export const THROUGHPUT_GOAL = 0.5;

const list = (values: number[], f: (n: number) => string) => values.map(f).join(' / ');

function profileTable(title: string, p: ProfileSummary): string {
  const rows = p.byModule.slice(0, 10).map((e) => `| ${e.name} | ${e.ms.toFixed(0)} ms | ${formatPercent(e.share)} |`);
  const fns = p.byFunction.slice(0, 10).map((e) => `| ${e.name} | ${formatPercent(e.share)} |`);
  return [
    `**${title}** (${p.totalMs.toFixed(0)} ms of CPU, idle excluded)`,
    '',
    '| Module | Self time | Share |',
    '|---|---:|---:|',
    ...rows,
    '',
    '| Function | Share |',
    '|---|---:|',
    ...fns,
  ].join('\n');
}

export function renderTransportSection(r: TransportResults): string {
  const s = summarise(r);
  const m = r.machine;
  const goalMet = s.throughputRatio >= THROUGHPUT_GOAL;
  const out: string[] = [];
  out.push('## Transport');
  out.push('');
  out.push(
    `Measured ${r.date} with \`${r.command}\` (${r.durationS.toFixed(0)} s) on ${m.cpuModel}, ${m.cores} cores, ` +
      `${m.memoryGiB} GiB, Node ${m.node}, ${m.os}; load average (1/5/15 min) at start ${m.loadAverage.join(' ')}${r.loadAverageEnd !== undefined ? `, 1-min at end ${r.loadAverageEnd}` : ''}. ` +
      `Every figure is the median of ${RUNS} runs, each with fresh processes; every baseline was measured in the same run.`,
  );
  out.push('');
  out.push('| Measurement | Result (median) | Baseline (same run) | Ratio | Runs |');
  out.push('|---|---:|---:|---:|---|');
  out.push(
    `| One-way goodput, reliable encrypted session | ${formatMBps(s.sessionBytesPerSecond)} | raw dgram blast ${formatMBps(s.rawBytesPerSecond)} | ` +
      `**${formatPercent(s.throughputRatio)}** (goal ≥ ${formatPercent(THROUGHPUT_GOAL)}: ${goalMet ? 'met' : 'not met'}) | ` +
      `session ${list(
        r.throughput.map((t) => t.session.bytesPerSecond),
        (n) => (n / 1e6).toFixed(1),
      )}; raw ${list(
        r.throughput.map((t) => t.raw.bytesPerSecond),
        (n) => (n / 1e6).toFixed(1),
      )} MB/s |`,
  );
  for (const h of s.handshakes) {
    const v = r.handshakes.find((x) => x.label === h.label);
    out.push(
      `| Handshakes/s, ${h.label} | ${formatCount(h.perSecond)} /s | ${formatCount(s.rawDhPerSecond)} X25519/s on one core | ${formatPercent(h.ratio)} | ` +
        `${list(v ? v.runs.map((x) => x.perSecond) : [], formatCount)} |`,
    );
  }
  const perSessionTotal = s.memory.heapAndExternal;
  out.push(
    `| Memory per idle session (JS heap + buffers) | ${formatBytes(perSessionTotal)} | idle responder ${formatBytes(s.memory.baselineHeapAndExternal)} | ` +
      `${formatCount(IDLE_SESSIONS)} sessions = ${formatPercent((perSessionTotal * IDLE_SESSIONS) / s.memory.baselineHeapAndExternal)} of it | ` +
      `${list(
        r.memory.map((x) => (x.after.heapUsed + x.after.external - x.before.heapUsed - x.before.external) / x.after.sessions),
        formatBytes,
      )} |`,
  );
  out.push(
    `| Memory per idle session (RSS) | ${formatBytes(s.memory.rss)} | idle responder RSS ${formatBytes(s.memory.baselineRss)} | ` +
      `${formatCount(IDLE_SESSIONS)} sessions = ${formatPercent((s.memory.rss * IDLE_SESSIONS) / s.memory.baselineRss)} of it | ` +
      `${list(
        r.memory.map((x) => (x.after.rss - x.before.rss) / x.after.sessions),
        formatBytes,
      )} |`,
  );
  out.push('');
  out.push('### How it was measured');
  out.push('');
  out.push(
    `* **Goodput** is counted at a separate receiver process over ${THROUGHPUT_WINDOW_MS / 1000} s, starting ${THROUGHPUT_WARMUP_MS / 1000} s ` +
      `after the first byte arrives (slow start and JIT warm-up excluded). Raw baseline: one process sends ${DATAGRAM_SIZE}-byte datagrams ` +
      `as fast as node:dgram takes them (the same send path as UdpDriver: an unconnected socket with the address on every send, synchronous lookup of IP literals, ` +
      `a completion callback only on the last datagram of each ${RAW_BATCH_DATAGRAMS}-datagram batch, 4 MiB socket buffers), another counts the bytes ` +
      `that arrive. Session: an InitiatorEndpoint sends ${MESSAGE_BYTES / 1024} KiB messages on stream ${BULK_STREAM_ID}, topping up while ` +
      `\`connection.buffered(${BULK_STREAM_ID})\` < ${MAX_BUFFERED_BYTES / 1024 / 1024} MiB; a ResponderEndpoint in another process counts ` +
      `delivered message bytes (acknowledgements, congestion control and AES-256-GCM all on). The ratio is the median of the three ` +
      `back-to-back raw/session pairs; it also carries the protocol's header overhead (32 of every 1,200 bytes plus frame headers).`,
  );
  out.push(
    `* **Handshakes**: full IKpsk2 handshakes (initiation, response, the confirming first data packet, and the responder's CLOSE back), ` +
      `a new InitiatorEndpoint for each, counted at the initiator over ${HANDSHAKE_WINDOW_MS / 1000} s; responder and initiator are separate ` +
      `processes. The initiator rotates over ${HANDSHAKE_SOURCE_ADDRESSES} sockets on distinct 127.3.x.y addresses so the responder's ` +
      `per-address limit under load (20/s) is never what is measured. "Cookie" runs set \`alwaysUnderLoad: true\`, so every handshake ` +
      `first gets a cookie reply and retries with mac2 (one more round trip, one more initiation). Without it the responder still ` +
      `switches to cookie mode by itself above 500 initiations/s. Ratio = handshakes/s ÷ (X25519/s ÷ ${RESPONDER_DH_PER_HANDSHAKE}): ` +
      `100 % would mean the responder did nothing but its ${RESPONDER_DH_PER_HANDSHAKE} DH operations on one core. The X25519 figure is ` +
      `node:crypto's \`diffieHellman\` on keys imported once, in a single process. For reference, the library's \`x25519()\` does ` +
      `${formatCount(s.dhPerSecond)}/s with a key it has imported before (the static key), ${formatCount(s.freshKeyDhPerSecond)}/s ` +
      `with a new key (an ephemeral key's first use), and \`generateX25519KeyPair()\` ${formatCount(s.keygenPerSecond)}/s.` +
      (s.sealPerSecond && s.openPerSecond
        ? ` The same worker times \`aeadSealPacketInPlace\` and \`aeadOpenPacket\` on one ${DATAGRAM_SIZE}-byte datagram: ` +
          `${formatCount(s.sealPerSecond)} and ${formatCount(s.openPerSecond)} per second on one core.`
        : ''),
  );
  out.push(
    `* **Memory**: one responder process (\`--expose-gc\`, two full GCs before each snapshot) holds ${formatCount(IDLE_SESSIONS)} confirmed, ` +
      `idle sessions, each from its own socket, loopback address and device key in an initiator process. Baseline = the same process after ` +
      `a warm-up of a few sessions opened and closed. Per session = (after − before) ÷ sessions. RSS includes allocator slack, so it is ` +
      `the noisier of the two.`,
  );
  out.push('');
  out.push('### Interpretation');
  out.push('');
  const hs = (label: string) => s.handshakes.find((h) => h.label === label);
  const parallel = hs('16 parallel');
  const cookie = hs('16 parallel, cookie');
  const sessionRuns = r.throughput.map((t) => t.session);
  const lost = sessionRuns.map((x) => (x.sender.connection && x.sender.connection.packetsSent > 0 ? x.sender.connection.packetsLost / x.sender.connection.packetsSent : 0));
  const rtts = sessionRuns.map((x) => x.sender.connection?.rttMs ?? 0);
  const cwnds = sessionRuns.map((x) => x.sender.connection?.cwnd ?? 0);
  const ceiling =
    s.cryptoCeilingRatio !== undefined && s.sealPerSecond && s.openPerSecond
      ? ` Sealing one full datagram costs ${(1e6 / s.sealPerSecond).toFixed(1)} µs and opening one ${(1e6 / s.openPerSecond).toFixed(1)} µs on ` +
        `this machine (node:crypto, measured in the same run), against ${((1e6 * DATAGRAM_SIZE) / s.rawBytesPerSecond).toFixed(1)} µs per ` +
        `datagram for the raw blast (the pace of its slower side). Each session side pays at least that socket call plus one of the two, so ` +
        `even a session that did nothing else would reach at most ` +
        `${formatPercent(s.cryptoCeilingRatio)} of the raw blast, before any acknowledgement, framing or timer.`
      : '';
  out.push(
    `* Throughput: the session reaches ${formatPercent(s.throughputRatio)} of the raw blast, so the ≥ ${formatPercent(THROUGHPUT_GOAL)} goal is ` +
      `**${goalMet ? 'met' : 'not met'}**. Both session processes are CPU-bound: every 1,200-byte packet costs a node:crypto AES-GCM ` +
      `context, a \`socket.send\` and the reliability bookkeeping on each side, where the raw blast pays only the send. ` +
      `The receiving session sent ${s.receiverPacketsPerReceived.toFixed(2)} packets (ACKs) per data packet it received` +
      (s.receiverPacketsPerReceived > 0.5 ? ', so nearly every data packet also costs a sealed ACK on the receiver and an opened ACK on the sender.' : '.') +
      ceiling,
  );
  const inFlight = sessionRuns.map((x) => x.sender.connection?.bytesInFlight ?? 0);
  out.push(
    `* Congestion control on loopback: the sender lost ${list(lost, formatPercent)} of its packets and ended with a congestion window of ` +
      `${list(cwnds, formatBytes)}, ${list(inFlight, formatBytes)} in flight and a smoothed RTT of ${list(rtts, (x) => `${x.toFixed(1)} ms`)} ` +
      `(loopback's own RTT is well under 1 ms)` +
      (median(rtts) > 10
        ? '. That RTT is queueing: loss-based NewReno lets the sender keep more in flight than the receiver can process, so the ' +
          "excess waits in the receiver's socket buffer (the losses are that buffer overflowing), and anything else on the session, " +
          'chat included, waits behind it.'
        : '.'),
  );
  if (parallel) {
    out.push(
      `* Handshakes: ${formatCount(parallel.perSecond)}/s with ${16} in flight is ${formatPercent(parallel.ratio)} of a DH-bound responder core` +
        (cookie ? `; forcing the cookie round trip changes that by ${formatPercent(cookie.perSecond / parallel.perSecond - 1)}.` : '.') +
        ` Both ends run four X25519 operations and one key generation per handshake, so on 2 cores the pair, not the responder alone, ` +
        `is the bottleneck. With a new key, \`x25519()\` reaches ${formatPercent(s.freshKeyDhPerSecond / s.rawDhPerSecond)} of the curve ` +
        `operation's rate` +
        (s.freshKeyDhPerSecond / s.rawDhPerSecond < 0.5 ? ': importing a raw private key (PKCS#8 DER) costs more than the DH itself.' : '.'),
    );
  }
  out.push(
    `* Memory: an idle session costs about ${formatBytes(s.memory.heapAndExternal)} of heap and buffers ` +
      `(${formatBytes(s.memory.rss)} RSS); a relay with ${formatCount(IDLE_SESSIONS)} idle clients needs about ` +
      `${formatBytes(s.memory.heapAndExternal * IDLE_SESSIONS)} more than an empty one.`,
  );
  if (r.profile) {
    out.push('');
    out.push('### Where the session time goes (CPU profile of one extra run, not counted above)');
    out.push('');
    out.push(profileTable('Sender (InitiatorEndpoint)', r.profile.sender));
    out.push('');
    out.push(profileTable('Receiver (ResponderEndpoint)', r.profile.receiver));
  }
  return out.join('\n');
}
