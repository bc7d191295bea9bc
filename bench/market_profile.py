"""CPU per event of one depthrec recording a whole-market-shaped depthsim (issue 12's CPU target),
in a short run: run it through bench/market_profile.sh.

depthsim serves --usdm and --spot symbols (TLS, Zipf rates over --total-rate, REST window
shortened on both sides so every book syncs within seconds); depthrec records depth@100ms (full
book) and bookTicker of each. Once every book is synced, a window of --events depth events is
measured between two metrics.json writes (the event counts are depthrec's own):
  --mode cpu        utime + stime of /proc/<pid>/stat and of each thread: CPU us per event
  --mode callgrind  depthrec runs under valgrind's callgrind, zeroed at the window's start and
                    dumped at its end: instructions per event, per thread, and the top functions
Every process is started here and stopped here by its pid.
"""

import argparse
import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_runs import read_json, stat_cpu_s, stop_process, wait_for  # noqa: E402
from whole_market_procs import MarketSimulator, memory_kb  # noqa: E402

EXCHANGE_INFO = {"usdm": "/fapi/v1/exchangeInfo", "spot": "/api/v3/exchangeInfo"}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("cpu", "callgrind"), default="cpu")
    p.add_argument("--usdm", type=int, default=500)
    p.add_argument("--spot", type=int, default=1000)
    p.add_argument("--total-rate", type=float, default=20000.0, help="depth events/s in all")
    p.add_argument("--events", type=int, default=200000, help="depth events in the window")
    p.add_argument("--snapshot-limit", type=int, default=100)
    p.add_argument("--rest-window-ms", type=int, default=2000,
                   help="the REST weight window of both depthsim and depthrec (Binance: 60000)")
    p.add_argument("--print-interval", type=int, default=5)
    p.add_argument("--plain", action="store_true", help="ws/http instead of TLS")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--build-dir", default=os.path.join(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))), "build"))
    p.add_argument("--work-dir", help="keep the run's files here (default: a temp dir, removed)")
    p.add_argument("--timeout-sec", type=float, default=900.0)
    return p.parse_args()


def thread_cpu_s(pid):
    """{thread name: utime + stime s} of every live thread."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for path in glob.glob(f"/proc/{pid}/task/*/stat"):
        try:
            with open(path) as f:
                text = f.read()
            name = text[text.index("(") + 1:text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, ValueError, IndexError):
            pass
    return out


def next_metrics(path, after_runtime, timeout):
    """The first metrics.json written after the one whose runtime_seconds was `after_runtime`."""
    def fresh():
        m = read_json(path)
        return m if m and m.get("runtime_seconds", -1) != after_runtime else None
    return wait_for(fresh, timeout=timeout, interval=0.02)


def main():
    a = parse_args()
    workdir = a.work_dir or tempfile.mkdtemp(prefix="depthrec-market-profile-")
    os.makedirs(workdir, exist_ok=True)
    sim = rec = None
    try:
        counts = ",".join(f"{m}={n}" for m, n in (("usdm", a.usdm), ("spot", a.spot)) if n > 0)
        sim = MarketSimulator(a.build_dir, workdir, [
            "--symbol-count", counts, "--total-rate", str(a.total_rate), "--seed", str(a.seed),
            "--rest-weight-window-ms", str(a.rest_window_ms)], tls=not a.plain)
        books = []
        for market in EXCHANGE_INFO:
            if market in sim.ports:
                for entry in sim.get(market, EXCHANGE_INFO[market])["symbols"]:
                    if entry.get("status") == "TRADING":
                        books.append(f"{market}:{entry['symbol']}")
        data_dir = os.path.join(workdir, "data")
        metrics_path = os.path.join(data_dir, "metrics.json")
        command = [os.path.join(a.build_dir, "depthrec"), "--data-dir", data_dir, "--log-dir",
                   os.path.join(workdir, "logs"), "--symbols", ",".join(books), "--depth", "full",
                   "--book-ticker", "--snapshot-limit", str(a.snapshot_limit),
                   "--rest-weight-window-ms", str(a.rest_window_ms),
                   "--print-interval", str(a.print_interval), "--no-summary"]
        if sim.tls:
            command += ["--ca-file", sim.ca]
        for market in sim.ports:
            command += ["--market-endpoint", f"{market}={sim.ws_endpoint(market)}",
                        "--market-rest-endpoint", f"{market}={sim.rest_endpoint(market)}"]
        callgrind_out = os.path.join(workdir, "callgrind.out")
        if a.mode == "callgrind":
            command = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
                       f"--callgrind-out-file={callgrind_out}",
                       f"--log-file={workdir}/valgrind.log"] + command
        log = open(os.path.join(workdir, "depthrec.out"), "w")
        rec = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        started = time.monotonic()

        def synced():
            m = read_json(metrics_path)
            streams = (m or {}).get("streams", [])
            depth = [s for s in streams if "book" in s]
            return m if len(depth) >= len(books) and all(
                s["book"].get("synced") for s in depth) else None
        first = wait_for(synced, timeout=a.timeout_sec, interval=0.5)
        if not first or rec.poll() is not None:
            raise RuntimeError(f"not every book synced (see {workdir}/depthrec.out)")
        print(f"{len(books)} books synced after {time.monotonic() - started:.1f} s", flush=True)
        # a print interval of steady state, then the window from one metrics.json to another
        m0 = next_metrics(metrics_path, first.get("runtime_seconds"), 120)
        m0 = next_metrics(metrics_path, m0.get("runtime_seconds"), 120)
        if a.mode == "callgrind":
            subprocess.run(["callgrind_control", "-z", str(rec.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        cpu0, threads0, t0 = stat_cpu_s(rec.pid), thread_cpu_s(rec.pid), time.monotonic()
        m1 = m0
        while m1["total_messages"] - m0["total_messages"] < a.events:
            m1 = next_metrics(metrics_path, m1.get("runtime_seconds"), 600)
        if a.mode == "callgrind":
            subprocess.run(["callgrind_control", "-d", str(rec.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        cpu1, threads1, t1 = stat_cpu_s(rec.pid), thread_cpu_s(rec.pid), time.monotonic()
        rss, hwm = memory_kb(rec.pid)
        events = m1["total_messages"] - m0["total_messages"]
        frames = m1.get("frames", 0) - m0.get("frames", 0)
        wall = t1 - t0
        print(f"window: {events} depth events, {frames} frames in {wall:.1f} s "
              f"({events / wall:.0f} events/s), RSS {rss / 1024:.0f} MiB (peak {hwm / 1024:.0f})")
        cpu = cpu1 - cpu0
        print(f"CPU: {cpu:.2f} s, {100 * cpu / wall:.1f} % of one core, "
              f"{1e6 * cpu / events:.2f} us/event, {1e6 * cpu / max(frames, 1):.2f} us/frame")
        for name in sorted(threads1):
            used = threads1[name] - threads0.get(name, 0.0)
            if used > 0:
                print(f"  thread {name}: {used:.2f} s, {1e6 * used / events:.2f} us/event")
        if a.mode == "callgrind":
            report_callgrind(callgrind_out, events, frames, a.top)
    finally:
        if rec is not None and rec.poll() is None:
            stop_process(rec, timeout=120, sig=signal.SIGINT)
        if sim is not None:
            sim.stop()
        if not a.work_dir:
            shutil.rmtree(workdir, ignore_errors=True)


def report_callgrind(out, events, frames, top):
    files = sorted(glob.glob(out + ".1-*"))  # the first dump, one file per thread
    totals = []
    for path in files:
        with open(path) as f:
            for line in f:
                if line.startswith(("totals:", "summary:")):
                    totals.append((int(line.split()[1]), path))
                    break
    all_ir = sum(ir for ir, _ in totals)
    print(f"instructions: {all_ir / events:,.0f} per depth event, {all_ir / max(frames, 1):,.0f} "
          f"per frame (all threads)")
    for ir, path in sorted(totals, reverse=True):
        if ir * 100 >= all_ir:
            print(f"  {os.path.basename(path)}: {ir / events:,.0f} per event")
    for ir, path in sorted(totals, reverse=True)[:2]:
        print(f"\ntop functions of {os.path.basename(path)} (own instructions, per depth event):")
        text = subprocess.run(["callgrind_annotate", "--threshold=99", path],
                              capture_output=True, text=True).stdout
        dashes = 0
        shown = 0
        for line in text.splitlines():
            if set(line) == {"-"}:
                dashes += 1
                continue
            if dashes < 3 or not line.strip() or "PROGRAM TOTALS" in line or line.startswith("Ir"):
                continue
            fields = line.split(None, 1)
            if len(fields) < 2 or not fields[0].replace(",", "").isdigit():
                continue
            count = int(fields[0].replace(",", ""))
            name = fields[1].split(" ", 1)[1] if fields[1].startswith("(") else fields[1]
            print(f"{count / events:9,.0f} {name[:150]}")
            shown += 1
            if shown >= top:
                break


if __name__ == "__main__":
    main()
