#!/usr/bin/python3
"""Reference recorder written the way seed 004 describes its Python client, for side-by-side
benchmarks with depthrec (bench/run_e2e.sh). Standard library plus websocket-client
(Debian python3-websocket; run it with /usr/bin/python3).

What it does per message, as the seed: json.loads, pu == last_u continuity (no REST snapshot),
a dict book updated from b/a with float(), latency_event_ms = ts_recv - E, one NDJSON record
(timestamp, symbol, ts_recv, E, U, u, pu, latency_event_ms, latency_pipeline_ms, b, a) handed to
a logging QueueHandler (bounded queue, drops counted) whose QueueListener thread writes
<symbol>_depth.ndjson.gz; percentiles by sorting deques; metrics.json every --print-interval
with the seed's keys, plus pipeline_latency_us {p50,p95,p99,p999} so it is measured as depthrec.

Choices that favour Python (so ratios to depthrec are conservative): text log at INFO (the
seed logs every message at DEBUG), UTF-8 validation of frames left to json.loads
(skip_utf8_validation), gzip level 1 as depthrec (Python's default is 9).

  python_reference.py --url wss://127.0.0.1:PORT/stream?streams=btcusdt@depth@0ms \
      --ca-file CA.pem --symbol BTCUSDT --data-dir DIR --log-dir DIR [--run-minutes M]
SIGTERM/SIGINT: close, drain the queue, write the final metrics.json, exit 0.
"""

import argparse
import collections
import datetime
import gzip
import json
import logging
import logging.handlers
import os
import queue
import signal
import sys
import threading
import time

import websocket

LATENCY_WINDOW = 10000  # samples kept for percentiles (the seed's deque)


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values))) - 1))
    return sorted_values[index]


class DroppingQueueHandler(logging.handlers.QueueHandler):
    """QueueHandler whose full queue drops the record and counts it (the seed's log_queue.drops)."""

    def __init__(self, q):
        super().__init__(q)
        self.drops = 0

    def enqueue(self, record):
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.drops += 1


class GzipLineHandler(logging.Handler):
    """Writes each record's message as one line of a gzip file (runs on the listener thread)."""

    def __init__(self, path, level):
        super().__init__()
        self.file = gzip.open(path, "at", compresslevel=level, encoding="utf-8")

    def emit(self, record):
        self.file.write(record.getMessage())
        self.file.write("\n")

    def close(self):
        self.file.close()
        super().close()


class BinanceOrderBookStream:
    def __init__(self, args):
        self.args = args
        self.symbol = args.symbol.upper()
        os.makedirs(args.data_dir, exist_ok=True)
        os.makedirs(args.log_dir, exist_ok=True)
        self.metrics_path = os.path.join(args.data_dir, "metrics.json")

        self.log = logging.getLogger("reference")
        self.log.setLevel(logging.INFO)
        text = logging.handlers.TimedRotatingFileHandler(
            os.path.join(args.log_dir, f"{self.symbol}_{datetime.date.today():%Y%m%d}.log"),
            when="s", interval=args.rotate_sec, backupCount=args.backups)
        text.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.log.addHandler(text)

        self.queue = queue.Queue(maxsize=args.queue_max)
        self.queue_handler = DroppingQueueHandler(self.queue)
        self.data_log = logging.getLogger("reference.data")
        self.data_log.propagate = False
        self.data_log.setLevel(logging.INFO)
        self.data_log.addHandler(self.queue_handler)
        data_path = os.path.join(args.data_dir, f"{self.symbol.lower()}_depth.ndjson.gz")
        self.listener = logging.handlers.QueueListener(
            self.queue, GzipLineHandler(data_path, args.gzip_level))
        self.listener.start()

        self.bids = {}
        self.asks = {}
        self.last_u = None
        self.total = 0
        self.breaks = 0
        self.resyncs = 0
        self.reconnects = 0
        self.start = time.time()
        self.latency_ms = collections.deque(maxlen=LATENCY_WINDOW)
        self.pipeline_us = collections.deque(maxlen=LATENCY_WINDOW)
        self.batch_span = collections.deque(maxlen=LATENCY_WINDOW)
        self.queue_depth = collections.deque(maxlen=LATENCY_WINDOW)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.ws = None

    # --- websocket callbacks -------------------------------------------------------------------
    def on_open(self, ws):
        self.log.info("WebSocket opened: %s", self.args.url)

    def on_message(self, ws, message):
        ts_recv = time.time() * 1000.0
        t0 = time.perf_counter()
        msg = json.loads(message)
        data = msg.get("data", msg)
        if data.get("e") != "depthUpdate":
            return
        E, U, u, pu = data["E"], data["U"], data["u"], data.get("pu")
        if self.last_u is not None and pu != self.last_u:
            self.breaks += 1
            self.resyncs += 1
            self.log.warning("continuity break: last_u=%s pu=%s U=%s u=%s", self.last_u, pu, U, u)
        self.last_u = u
        for side, book in (("b", self.bids), ("a", self.asks)):
            for price, qty in data.get(side, ()):
                p, q = float(price), float(qty)
                if q == 0.0:
                    book.pop(p, None)
                else:
                    book[p] = q
        latency_event_ms = ts_recv - E
        record = {
            "timestamp": datetime.datetime.utcfromtimestamp(E / 1000.0).isoformat(
                timespec="milliseconds") + "Z",
            "symbol": self.symbol,
            "ts_recv": ts_recv,
            "E": E,
            "U": U,
            "u": u,
            "pu": pu,
            "latency_event_ms": round(latency_event_ms, 3),
            "latency_pipeline_ms": round((time.perf_counter() - t0) * 1000.0, 3),
            "b": data.get("b", []),
            "a": data.get("a", []),
        }
        self.data_log.info(json.dumps(record, separators=(",", ":")))
        pipeline_us = (time.perf_counter() - t0) * 1e6
        with self.lock:
            self.total += 1
            self.latency_ms.append(latency_event_ms)
            self.pipeline_us.append(pipeline_us)
            self.batch_span.append(u - U)
            self.queue_depth.append(self.queue.qsize())

    def on_error(self, ws, error):
        self.log.error("WebSocket error: %s", error)

    def on_close(self, ws, code, reason):
        self.log.info("WebSocket closed: %s %s", code, reason)

    # --- metrics -------------------------------------------------------------------------------
    def metrics(self):
        with self.lock:
            lat = sorted(self.latency_ms)
            pipe = sorted(self.pipeline_us)
            span = sorted(self.batch_span)
            depth = sorted(self.queue_depth)
            total = self.total
            now_ns = time.time_ns()  # taken with total, so rates between two files are exact
        runtime = time.time() - self.start
        return {
            "timestamp": datetime.datetime.utcnow().isoformat(timespec="milliseconds"),
            "window_sec": self.args.print_interval,
            "runtime_seconds": round(runtime, 3),
            "total_messages": total,
            "recv_rate": round(total / runtime, 2) if runtime > 0 else 0.0,
            "latency_ms": {
                "avg_ms": round(sum(lat) / len(lat), 3) if lat else 0.0,
                "min_ms": lat[0] if lat else 0.0,
                "max_ms": lat[-1] if lat else 0.0,
                "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
            },
            "continuity": {"breaks": self.breaks, "resyncs": self.resyncs,
                           "reconnects": self.reconnects},
            "batch_span": {"p95": percentile(span, 95), "max": span[-1] if span else 0},
            "log_queue": {"depth_p95": percentile(depth, 95), "depth_max": depth[-1] if depth else 0,
                          "drops": self.queue_handler.drops},
            "symbol": self.symbol,
            "timestamp_ns": now_ns,
            "pipeline_latency_us": {
                "p50": percentile(pipe, 50), "p95": percentile(pipe, 95),
                "p99": percentile(pipe, 99), "p999": percentile(pipe, 99.9),
            },
        }

    def write_metrics(self):
        m = self.metrics()
        tmp = self.metrics_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(m, f, indent=2)
        os.replace(tmp, self.metrics_path)
        if self.args.print_summary:
            print(f"SUMMARY | t={m['runtime_seconds']:.0f}s | msgs={m['total_messages']} | "
                  f"rate={m['recv_rate']:.2f}/s | p50={m['latency_ms']['p50']:.1f} "
                  f"p95={m['latency_ms']['p95']:.1f} p99={m['latency_ms']['p99']:.1f} | "
                  f"breaks={self.breaks} resyncs={self.resyncs} reconnects={self.reconnects} | "
                  f"log_q_p95={m['log_queue']['depth_p95']} max={m['log_queue']['depth_max']} "
                  f"drops={m['log_queue']['drops']}", flush=True)

    def reporter(self):
        deadline = (self.start + self.args.run_minutes * 60.0) if self.args.run_minutes else None
        while not self.stopping.wait(self.args.print_interval):
            self.write_metrics()
            if deadline is not None and time.time() >= deadline:
                self.stop()

    def stop(self):
        self.stopping.set()
        if self.ws is not None:
            self.ws.close()

    # --- run -----------------------------------------------------------------------------------
    def run(self):
        reporter = threading.Thread(target=self.reporter, daemon=True)
        reporter.start()
        sslopt = {"ca_certs": self.args.ca_file} if self.args.ca_file else {}
        while not self.stopping.is_set():
            self.ws = websocket.WebSocketApp(
                self.args.url, on_open=self.on_open, on_message=self.on_message,
                on_error=self.on_error, on_close=self.on_close)
            self.ws.run_forever(sslopt=sslopt, skip_utf8_validation=True)
            if not self.stopping.is_set():
                self.reconnects += 1
                self.last_u = None
                time.sleep(1.0)
        self.listener.stop()  # drains the queue into the gzip file
        for handler in self.listener.handlers:
            handler.close()
        self.write_metrics()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca-file", default="")
    parser.add_argument("--symbol", default="ETHUSDT")
    parser.add_argument("--data-dir", default="data/order_book")
    parser.add_argument("--log-dir", default="logs")
    parser.add_argument("--rotate-sec", type=int, default=60)
    parser.add_argument("--backups", type=int, default=7)
    parser.add_argument("--print-interval", type=int, default=10)
    parser.add_argument("--run-minutes", type=float, default=None)
    parser.add_argument("--queue-max", type=int, default=10000)
    parser.add_argument("--gzip-level", type=int, default=1)
    parser.add_argument("--no-summary", dest="print_summary", action="store_false")
    args = parser.parse_args()

    client = BinanceOrderBookStream(args)
    signal.signal(signal.SIGTERM, lambda *_: client.stop())
    signal.signal(signal.SIGINT, lambda *_: client.stop())
    client.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
