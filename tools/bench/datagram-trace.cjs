// Preloaded with `node --require` (via NODE_OPTIONS) into every process of one extra, unmeasured
// relay round-trip run when BENCH_DATAGRAM_TRACE_DIR is set: records each datagram sent or received
// as "<epoch ms, µs precision> S|R <local port> <bytes>" in <dir>/<pid>.log, and the process's command
// line in <dir>/<pid>.name, so tools/bench/src/relay/stages.ts can say where a round trip's time goes.
// globalThis.__benchTraceMark(kind) lets the bench's chat client add its own moments ("C": a CHAT
// handed to the session, "D": its first CHAT_DELTA delivered) as "<t> <kind> 0 0" lines.
// Plain CommonJS because it runs before any bundle is loaded.
'use strict';
const dir = process.env.BENCH_DATAGRAM_TRACE_DIR;
if (dir) {
  const dgram = require('node:dgram');
  const fs = require('node:fs');
  const path = require('node:path');
  const { performance } = require('node:perf_hooks');
  const lines = [];
  const file = path.join(dir, `${process.pid}.log`);
  const flush = () => {
    if (lines.length === 0) return;
    fs.appendFileSync(file, lines.join(''));
    lines.length = 0;
  };
  const record = (socket, kind, bytes) => {
    let port = 0;
    try {
      port = socket ? socket.address().port : 0;
    } catch {
      // not bound yet
    }
    lines.push(`${(performance.timeOrigin + performance.now()).toFixed(3)} ${kind} ${port} ${bytes}\n`);
    if (lines.length >= 4096) flush();
  };
  globalThis.__benchTraceMark = (kind) => record(null, kind, 0);
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (data, ...rest) {
    record(this, 'S', Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.length);
    return send.call(this, data, ...rest);
  };
  const emit = dgram.Socket.prototype.emit;
  dgram.Socket.prototype.emit = function (event, message, ...rest) {
    if (event === 'message') record(this, 'R', message.length);
    return emit.call(this, event, message, ...rest);
  };
  fs.writeFileSync(path.join(dir, `${process.pid}.name`), process.argv.slice(1).join(' '));
  process.on('exit', flush);
  for (const signal of ['SIGTERM', 'SIGINT']) process.prependListener(signal, flush);
}
