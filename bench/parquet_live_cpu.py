"""The recorder's CPU per event with and without --parquet (issue 16, live Parquet): one depthsim
run (no TLS, loopback) feeding two depthrec processes at once, the same symbol and streams, one of
them also writing the live Parquet datasets. Both see the same events under the same load, so the
ratio of their CPU per event is measured in one run (the machine is shared and noisy).

  python3 bench/parquet_live_cpu.py [--build-dir build] [--rate 2000] [--seconds 20]

CPU: utime + stime of each recorder (wait4's rusage: every thread) over its whole run, a clean
stop included; events: the frames its metrics.json counts. Every process started here is stopped here,
by its pid.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_runs import read_json, stop_process, wait_for  # noqa: E402

STREAMS = "depth@0ms,trade,aggTrade,bookTicker"


def frames(metrics):
    """Frames of every stream of the run (depth and channel streams)."""
    if not metrics:
        return 0
    return int(metrics.get("frames", 0)) + sum(
        int(entry.get("frames", 0)) for entry in metrics.get("channel_streams", []))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--rate", type=float, default=2000.0, help="depth events per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="parquet-live-cpu-")
    port_file = os.path.join(scratch, "port")
    events = int(args.rate * args.seconds)
    sim = subprocess.Popen(
        [os.path.join(args.build_dir, "depthsim"), "--port", "0", "--port-file", port_file,
         "--no-tls", "--market", "usdm", "--symbols", "BTCUSDT", "--rate", str(args.rate),
         "--events", str(events), "--seed", "16"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    recorders = {}
    try:
        port = wait_for(lambda: open(port_file).read().strip() if os.path.exists(port_file)
                        and open(port_file).read().endswith("\n") else None, 20)
        for name, extra in (("ndjson", []),
                            ("ndjson+parquet", ["--parquet", os.path.join(scratch, "pq")])):
            run_dir = os.path.join(scratch, name)
            command = [os.path.join(args.build_dir, "depthrec"),
                       "--endpoint", f"ws://127.0.0.1:{port}",
                       "--rest-endpoint", f"http://127.0.0.1:{port}",
                       "--data-dir", os.path.join(run_dir, "data"),
                       "--log-dir", os.path.join(run_dir, "logs"), "--no-summary",
                       "--symbols", "BTCUSDT", "--market", "usdm", "--streams", STREAMS,
                       "--print-interval", "1"] + extra
            os.makedirs(run_dir)
            recorders[name] = (subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                                stderr=subprocess.DEVNULL), run_dir)
        metrics_of = {name: os.path.join(run_dir, "data", "metrics.json")
                      for name, (_, run_dir) in recorders.items()}
        # Both recorders have seen the simulator's last event when their frame counts stop growing.
        last = {}

        def settled():
            now = {name: frames(read_json(path)) for name, path in metrics_of.items()}
            done = all(now[name] > 0 and now[name] == last.get(name) for name in now)
            last.update(now)
            return done
        wait_for(settled, args.seconds * 3 + 30, interval=2.0)
        results = {}
        for name, (proc, run_dir) in recorders.items():
            # SIGTERM, then wait4: the rusage of the whole process (every thread), which /proc no
            # longer has once it is reaped.
            proc.send_signal(signal.SIGTERM)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            count = frames(read_json(metrics_of[name]))
            cpu = usage.ru_utime + usage.ru_stime
            results[name] = {"exit": proc.returncode, "frames": count, "cpu_s": round(cpu, 3),
                             "cpu_us_per_frame": round(cpu * 1e6 / max(count, 1), 3)}
        results["ratio_cpu_per_frame"] = round(
            results["ndjson+parquet"]["cpu_us_per_frame"] / results["ndjson"]["cpu_us_per_frame"], 3)
        results["parquet_bytes"] = sum(
            os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(scratch, "pq"))
            for f in fs)
    finally:
        for proc, _ in recorders.values():
            stop_process(proc)
        stop_process(sim)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
