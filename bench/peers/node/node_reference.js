#!/usr/bin/env node
// Reference recorder in Node.js (the `ws` package from npm), the same minimal recording as
// bench/peers/python_reference.py, for side-by-side benchmarks with depthrec (bench/run_e2e.sh):
// JSON.parse, pu == last_u continuity, a Map book updated with parseFloat, one NDJSON record per
// event (timestamp, symbol, ts_recv, E, U, u, pu, latency_event_ms, latency_pipeline_ms, b, a)
// written through a gzip stream (level 1, as depthrec), a bounded count of records waiting for
// the gzip stream (drops counted), percentiles by sorting the last 10,000 samples, metrics.json
// every --print-interval with the seed's keys plus pipeline_latency_us and timestamp_ns.
//
//   cd bench/peers/node && npm install     # once: ws into node_modules (git-ignored)
//   node node_reference.js --url wss://127.0.0.1:PORT/stream?streams=btcusdt@depth@0ms \
//       --ca-file CA.pem --symbol BTCUSDT --data-dir DIR [--print-interval 10]
// SIGTERM/SIGINT: close, flush the gzip stream, write the final metrics.json, exit 0.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const WebSocket = require('ws');

const WINDOW = 10000;

function parseArgs(argv) {
  const args = {symbol: 'ETHUSDT', dataDir: 'data/order_book', printInterval: 10, queueMax: 10000,
                caFile: '', url: ''};
  const names = {'--url': 'url', '--ca-file': 'caFile', '--symbol': 'symbol',
                 '--data-dir': 'dataDir', '--print-interval': 'printInterval',
                 '--queue-max': 'queueMax'};
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === '--no-summary') { args.noSummary = true; continue; }
    if (argv[i] === '--log-dir') { i++; continue; }  // accepted for a common command line
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) throw new Error(`unknown or incomplete option ${argv[i]}`);
    args[key] = ['printInterval', 'queueMax'].includes(key) ? Number(argv[++i]) : argv[++i];
  }
  if (!args.url) throw new Error('--url is required');
  return args;
}

class Ring {  // the last WINDOW samples, sorted on demand
  constructor() { this.values = []; this.next = 0; }
  push(v) {
    if (this.values.length < WINDOW) this.values.push(v);
    else { this.values[this.next] = v; this.next = (this.next + 1) % WINDOW; }
  }
  sorted() { return Float64Array.from(this.values).sort(); }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(p / 100 * sorted.length) - 1));
  return sorted[i];
}

function main() {
  const args = parseArgs(process.argv);
  const symbol = args.symbol.toUpperCase();
  fs.mkdirSync(args.dataDir, {recursive: true});
  const metricsPath = path.join(args.dataDir, 'metrics.json');
  const gzip = zlib.createGzip({level: 1});
  const file = fs.createWriteStream(path.join(args.dataDir, `${symbol.toLowerCase()}_depth.ndjson.gz`));
  gzip.pipe(file);

  const bids = new Map(), asks = new Map();
  const latency = new Ring(), pipeline = new Ring(), span = new Ring(), depth = new Ring();
  const start = Date.now();
  let lastU = null, total = 0, breaks = 0, drops = 0, pending = 0, stopping = false;

  function onMessage(message) {
    const tsRecv = Date.now();
    const t0 = process.hrtime.bigint();
    const msg = JSON.parse(message);
    const data = msg.data || msg;
    if (data.e !== 'depthUpdate') return;
    if (lastU !== null && data.pu !== lastU) breaks++;
    lastU = data.u;
    for (const [side, book] of [[data.b || [], bids], [data.a || [], asks]]) {
      for (const [p, q] of side) {
        const price = parseFloat(p), qty = parseFloat(q);
        if (qty === 0) book.delete(price); else book.set(price, qty);
      }
    }
    const latencyEventMs = tsRecv - data.E;
    const record = {
      timestamp: new Date(data.E).toISOString(), symbol, ts_recv: tsRecv, E: data.E, U: data.U,
      u: data.u, pu: data.pu, latency_event_ms: latencyEventMs,
      latency_pipeline_ms: Number(process.hrtime.bigint() - t0) / 1e6, b: data.b || [],
      a: data.a || [],
    };
    if (pending >= args.queueMax) {
      drops++;
    } else {
      pending++;
      gzip.write(JSON.stringify(record) + '\n', () => { pending--; });
    }
    total++;
    latency.push(latencyEventMs);
    pipeline.push(Number(process.hrtime.bigint() - t0) / 1e3);
    span.push(data.u - data.U);
    depth.push(pending);
  }

  function writeMetrics() {
    const lat = latency.sorted(), pipe = pipeline.sorted(), sp = span.sorted(), dq = depth.sorted();
    const runtime = (Date.now() - start) / 1000;
    const m = {
      timestamp: new Date().toISOString().replace('Z', ''), window_sec: args.printInterval,
      runtime_seconds: runtime, total_messages: total,
      recv_rate: runtime > 0 ? total / runtime : 0,
      latency_ms: {avg_ms: lat.length ? lat.reduce((a, b) => a + b, 0) / lat.length : 0,
                   min_ms: lat[0] || 0, max_ms: lat[lat.length - 1] || 0,
                   p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99)},
      continuity: {breaks, resyncs: breaks, reconnects: 0},
      batch_span: {p95: percentile(sp, 95), max: sp[sp.length - 1] || 0},
      log_queue: {depth_p95: percentile(dq, 95), depth_max: dq[dq.length - 1] || 0, drops},
      symbol, timestamp_ns: Date.now() * 1e6,
      pipeline_latency_us: {p50: percentile(pipe, 50), p95: percentile(pipe, 95),
                            p99: percentile(pipe, 99), p999: percentile(pipe, 99.9)},
    };
    fs.writeFileSync(metricsPath + '.tmp', JSON.stringify(m, null, 2));
    fs.renameSync(metricsPath + '.tmp', metricsPath);
    if (!args.noSummary) {
      console.log(`SUMMARY | t=${runtime.toFixed(0)}s | msgs=${total} | rate=${m.recv_rate.toFixed(2)}/s` +
                  ` | breaks=${breaks} | drops=${drops}`);
    }
  }

  const ca = args.caFile ? fs.readFileSync(args.caFile) : undefined;
  const ws = new WebSocket(args.url, {ca, perMessageDeflate: false});
  ws.on('message', (data) => onMessage(data.toString()));
  ws.on('error', (error) => console.error(`websocket error: ${error.message}`));
  ws.on('close', () => { if (!stopping) stop(); });
  const timer = setInterval(writeMetrics, args.printInterval * 1000);

  function stop() {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    ws.terminate();
    gzip.end();
    file.on('close', () => { writeMetrics(); process.exit(0); });
  }
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error) {
  console.error(`node_reference: ${error.message}`);
  process.exit(2);
}
