"""Do two depthrec builds record the same thing? Each records the same deterministic depthsim run
(seeded, a fixed number of events per symbol, each symbol starting at its first subscriber, depth
and bookTicker on two markets); the decompressed records are then compared stream by stream with
the fields that depend on when they ran removed (receive and exchange times, latencies, ports).
A CPU change must leave every other byte as it was.
  python3 bench/same_records.py --build-dir-a DIR --build-dir-b DIR [--events 400] [--rate 100]
Exit 0 when every stream's records are equal. Every process is stopped by its pid.
"""

import argparse
import glob
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_runs import read_json, stop_process, wait_for  # noqa: E402
from whole_market_procs import MarketSimulator  # noqa: E402

SYMBOLS = ["usdm:BTCUSDT", "usdm:ETHUSDT", "spot:BTCUSDT", "spot:SOLUSDT"]
# Times of the run, not of the data: each run has its own clock (depthsim's E/T included).
TIMED_KEYS = {"timestamp", "ts_recv", "recv_ns", "E", "T", "url", "conn_id"}


def untimed(record):
    return {k: v for k, v in record.items() if k not in TIMED_KEYS and not k.endswith(("_ms", "_ns"))}


def record_once(build_dir, workdir, events, rate):
    sim = MarketSimulator(build_dir, workdir, [
        "--symbols", ",".join(SYMBOLS), "--rate", str(rate), "--events", str(events), "--seed", "5",
        "--start-on-subscribe"], tls=False)
    data_dir = os.path.join(workdir, "data")
    command = [os.path.join(build_dir, "depthrec"), "--data-dir", data_dir, "--log-dir",
               os.path.join(workdir, "logs"), "--symbols", ",".join(SYMBOLS), "--depth", "full",
               "--book-ticker", "--snapshot-limit", "1000", "--print-interval", "1", "--no-summary"]
    for market in sim.ports:
        command += ["--market-endpoint", f"{market}={sim.ws_endpoint(market)}",
                    "--market-rest-endpoint", f"{market}={sim.rest_endpoint(market)}"]
    log = open(os.path.join(workdir, "depthrec.out"), "w")
    rec = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        expected = events * len(SYMBOLS)
        done = wait_for(lambda: (read_json(os.path.join(data_dir, "metrics.json")) or {}).get(
            "total_messages", 0) >= expected, timeout=120, interval=0.1)
        if not done:
            raise RuntimeError(f"fewer than {expected} events recorded (see {workdir})")
    finally:
        stop_process(rec, timeout=60, sig=signal.SIGINT)
        log.close()
        sim.stop()
    streams = {}
    for path in sorted(glob.glob(os.path.join(data_dir, "*.ndjson.gz"))):
        with gzip.open(path, "rt") as f:
            for line in f:
                record = json.loads(line)
                key = (record.get("market"), record.get("stream"), record.get("type"))
                streams.setdefault(key, []).append(untimed(record))
    return streams


def two_builds_parser(doc):
    """The options of a comparison of two builds on the deterministic run (this script's and
    same_metrics.py's)."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--build-dir-a", required=True)
    p.add_argument("--build-dir-b", required=True)
    p.add_argument("--events", type=int, default=400, help="depth events per symbol")
    p.add_argument("--rate", type=float, default=100.0, help="events/s per symbol")
    return p


def main():
    a = two_builds_parser(__doc__).parse_args()
    runs = []
    for build_dir in (a.build_dir_a, a.build_dir_b):
        with tempfile.TemporaryDirectory(prefix="depthrec-same-records-") as workdir:
            runs.append(record_once(build_dir, workdir, a.events, a.rate))
    first, second = runs
    equal = True
    for key in sorted(set(first) | set(second), key=str):
        x, y = first.get(key, []), second.get(key, [])
        # Connections, snapshots and syncs happen at each run's own moments: compared by count.
        if key[2] not in ("depth", "book_ticker", "ticker"):
            print(f"{key}: {len(x)} / {len(y)} records (not compared: timing)")
            continue
        same = x == y
        equal &= same
        print(f"{key}: {len(x)} / {len(y)} records, {'equal' if same else 'DIFFERENT'}")
        if not same:
            for i, (r, s) in enumerate(zip(x, y)):
                if r != s:
                    print(f"  first difference at record {i}:\n  {r}\n  {s}")
                    break
    print("every stream's records are equal" if equal else "the recordings DIFFER")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
