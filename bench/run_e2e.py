"""End-to-end benchmark over loopback TLS (run it through bench/run_e2e.sh).

1. The transport limit: depthrec-bare-client against depthsim --rate 0 (frames/s).
2. depthrec at increasing fixed rates (USD-M BTCUSDT, full book): the highest rate with zero
   drops, zero breaks, every event sent received, and the rate kept (>= 97 %); plus rate 0.
3. The Python reference (bench/peers/python_reference.py) the same way, and the Node one
   (bench/peers/node/node_reference.js) when its `ws` package is installed (npm install there).
Prints a table and writes a JSON file (default bench/results/e2e-<date>[-quick].json).
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_runs  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)

PLANS = {
    # window_s per run; rates always run; ladder rates run until the first failure.
    "default": {"window_s": 5.0, "idle_window_s": 10.0, "bare_runs": 2,
                "depthrec_always": [100, 1000, 10000], "depthrec_ladder": [50000, 100000, 150000, 200000,
                                                                     250000, 300000, 400000],
                "python_always": [100, 1000], "python_ladder": [2000, 5000, 10000, 20000, 40000],
                "node_always": [1000], "node_ladder": [10000, 20000, 40000, 80000],
                "flat_out": True, "bisect": 2},
    "quick": {"window_s": 2.0, "idle_window_s": 3.0, "bare_runs": 1,
              "depthrec_always": [100, 10000], "depthrec_ladder": [],
              "python_always": [1000], "python_ladder": [], "node_always": [], "node_ladder": [],
              "flat_out": False, "bisect": 0},
}


def git_commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


COLUMNS = [  # (header, width (negative: left-aligned), value of a run)
    ("peer", -9, lambda r: r["peer"]),
    ("rate", 8, lambda r: "max" if r["rate"] == 0 else fmt(r["rate"])),
    ("ev/s", 8, lambda r: fmt(r.get("events_per_s"), 0)),
    ("cpu_us/ev", 9, lambda r: fmt(r.get("cpu_us_per_event"), 2)),
    ("%core", 6, lambda r: fmt(r.get("cpu_core_pct"), 1)),
    ("sim%", 5, lambda r: fmt(r.get("sim_cpu_core_pct"), 0)),
    ("p50_us", 7, lambda r: fmt(r.get("pipeline_us", {}).get("p50"))),
    ("p99_us", 7, lambda r: fmt(r.get("pipeline_us", {}).get("p99"))),
    ("p999_us", 8, lambda r: fmt(r.get("pipeline_us", {}).get("p999"))),
    ("q_p95/max", 12,
     lambda r: f"{fmt(r.get('queue_depth_p95'))}/{fmt(r.get('queue_depth_max'))}"),
    ("RSS_MB", 6, lambda r: fmt(r["vm_hwm_kb"] / 1024.0) if r.get("vm_hwm_kb") else "-"),
    ("B/ev", 5, lambda r: fmt(r.get("bytes_per_event"), 0)),
    ("drop/brk", 8, lambda r: f"{fmt(r.get('drops'))}/{fmt(r.get('breaks'))}"),
    ("recv=sent", 9, lambda r: "yes" if r.get("received") == r.get("sent") else "NO"),
    ("status", -11, lambda r: r.get("status")),
    ("load", 4, lambda r: f"{r['load_1m']:.1f}"),
]


def cell(text, width):
    return str(text).ljust(-width) if width < 0 else str(text).rjust(width)


HEADER = " ".join(cell(h, w) for h, w, _ in COLUMNS)


def print_row(r):
    print(" ".join(cell(value(r), w) for _, w, value in COLUMNS), flush=True)


def run_ladder(peer, command_for, build_dir, scratch, always, ladder, plan, runs):
    """Runs the `always` rates, then the ladder until a rate fails, then bisection steps."""
    results = []

    def one(rate, window):
        workdir = os.path.join(scratch, f"{peer}-{rate}")
        # The idle figures are taken with the CLI's default metrics period (10 s).
        r = e2e_runs.measure_recorder(peer, command_for, build_dir, workdir, rate, window,
                                      print_interval=10 if 0 < rate <= 100 else 1)
        print_row(r)
        results.append(r)
        runs.append(r)
        shutil.rmtree(workdir, ignore_errors=True)
        return r["status"] == "sustained"

    for rate in always:
        one(rate, plan["idle_window_s"] if rate <= 100 else plan["window_s"])
    last_ok = max([r["rate"] for r in results if r["status"] == "sustained"], default=None)
    first_fail = None
    for rate in ladder:
        if one(rate, plan["window_s"]):
            last_ok = rate
        else:
            first_fail = rate
            break
    for _ in range(plan["bisect"]):  # bisection steps between the last pass and first failure
        if not (last_ok and first_fail and first_fail > 1.15 * last_ok):
            break
        middle = int(round((last_ok + first_fail) / 2 / 1000.0) * 1000)
        if one(middle, plan["window_s"]):
            last_ok = middle
        else:
            first_fail = middle
    if plan["flat_out"]:
        one(0, plan["window_s"])
    return results


def max_sustained(results):
    ok = [r for r in results if r["status"] == "sustained" and r["rate"] > 0]
    return max(ok, key=lambda r: r["rate"]) if ok else None


def summarise_peer(depthrec, peer):
    """depthrec against a peer: throughput ratios, and CPU per event at the rates both sustain."""
    d_max, p_max = max_sustained(depthrec), max_sustained(peer)
    d_flat = next((r for r in depthrec if r["rate"] == 0), None)
    p_flat = next((r for r in peer if r["rate"] == 0), None)
    out = {
        "max_sustained_rate": p_max["rate"] if p_max else None,
        "max_sustained_events_per_s": p_max["events_per_s"] if p_max else None,
        "flat_out_events_per_s": p_flat["events_per_s"] if p_flat else None,
    }
    if d_max and p_max:
        out["throughput_ratio"] = round(d_max["events_per_s"] / p_max["events_per_s"], 1)
    if d_flat and p_flat and p_flat["events_per_s"]:
        out["flat_out_ratio"] = round(d_flat["events_per_s"] / p_flat["events_per_s"], 1)
    mine = {r["rate"]: r for r in depthrec if r["status"] == "sustained"}
    out["cpu_per_event_ratio_by_rate"] = {
        str(r["rate"]): round(r["cpu_us_per_event"] / mine[r["rate"]]["cpu_us_per_event"], 1)
        for r in peer
        if r["status"] == "sustained" and r["rate"] in mine and r.get("cpu_us_per_event")
        and mine[r["rate"]].get("cpu_us_per_event")}
    return out


def summarise(bare, depthrec, python):
    limit = max((b["frames_per_sec"] for b in bare), default=None)
    d_max = max_sustained(depthrec)
    d_flat = next((r for r in depthrec if r["rate"] == 0), None)
    by_rate = {r["rate"]: r for r in depthrec if r["status"] == "sustained"}
    summary = {
        "transport_limit_frames_per_s": limit,
        "depthrec_max_sustained_rate": d_max["rate"] if d_max else None,
        "depthrec_max_sustained_events_per_s": d_max["events_per_s"] if d_max else None,
        "depthrec_flat_out_events_per_s": d_flat["events_per_s"] if d_flat else None,
    }
    if limit and d_max:
        summary["depthrec_vs_transport"] = round(d_max["events_per_s"] / limit, 3)
    if limit and d_flat:
        summary["depthrec_flat_out_vs_transport"] = round(d_flat["events_per_s"] / limit, 3)
    summary["python"] = summarise_peer(depthrec, python) if python else None
    if 100 in by_rate:
        idle = by_rate[100]
        summary["depthrec_at_100"] = {"cpu_core_pct": idle["cpu_core_pct"],
                                      "vm_hwm_mb": round(idle["vm_hwm_kb"] / 1024.0, 1)}
    if 10000 in by_rate:
        summary["depthrec_at_10000_pipeline_us"] = by_rate[10000]["pipeline_us"]
    return summary


def main():
    parser = argparse.ArgumentParser(description="depthrec end-to-end benchmark (loopback TLS)")
    parser.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    parser.add_argument("--quick", action="store_true", help="~30 s smoke run (CI)")
    parser.add_argument("--no-python", action="store_true", help="skip the Python reference")
    parser.add_argument("--no-node", action="store_true", help="skip the Node reference")
    parser.add_argument("--out", help="JSON output (default bench/results/e2e-<date>.json)")
    parser.add_argument("--pin", action="store_true",
                        help="simulator on CPU 1, the client under test (all its threads) on "
                             "CPU 0, with taskset: the simulator no longer preempts it")
    args = parser.parse_args()
    if args.pin:
        if (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
            parser.error("--pin needs 2 CPUs and taskset")
        e2e_runs.PIN = ("1", "0")

    plan = PLANS["quick" if args.quick else "default"]
    build_dir = os.path.abspath(args.build_dir)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc)
    out = args.out or os.path.join(
        BENCH_DIR, "results", f"e2e-{date:%Y%m%d}{'-quick' if args.quick else ''}{'-pinned' if args.pin else ''}.json")
    meta = {"date": date.isoformat(timespec="seconds"), "commit": git_commit(),
            "cpus": os.cpu_count(), "load_at_start": os.getloadavg(), "quick": args.quick,
            "build_dir": build_dir, "market": "usdm", "symbol": e2e_runs.SYMBOL,
            "stream": e2e_runs.STREAM, "plan": plan, "pin": e2e_runs.PIN}
    print(f"depthrec e2e: commit {meta['commit']}, {meta['cpus']} cpus, load "
          f"{' '.join(f'{x:.2f}' for x in meta['load_at_start'])}", flush=True)

    scratch = tempfile.mkdtemp(prefix="depthrec-e2e-")
    runs = []
    try:
        bare = []
        print("transport limit (depthrec-bare-client, depthsim --rate 0):", flush=True)
        for i in range(plan["bare_runs"]):
            for attempt in (1, 2):  # a failed run is said and tried once more
                try:
                    b = e2e_runs.measure_bare_client(
                        build_dir, os.path.join(scratch, f"bare-{i}-{attempt}"), plan["window_s"])
                    break
                except RuntimeError as error:
                    if attempt == 2:
                        raise
                    print(f"  bare client run failed ({error}); once more", flush=True)
            print(f"  {b['frames_per_sec']:,.0f} frames/s ({b['mean_frame_bytes']:.0f} B mean, "
                  f"client {b['cpu_us_per_frame']:.2f} us CPU/frame, sim "
                  f"{b['sim_cpu_core_pct']:.0f}% of a core, load {b['load_1m']:.1f})", flush=True)
            bare.append(b)
        print(HEADER, flush=True)
        depthrec = run_ladder(
            "depthrec", lambda sim, d, l, pi: e2e_runs.depthrec_command(build_dir, sim, d, l, pi),
            build_dir, scratch, plan["depthrec_always"], plan["depthrec_ladder"], plan, runs)
        python = []
        if not args.no_python:
            script = os.path.join(BENCH_DIR, "peers", "python_reference.py")
            python = run_ladder(
                "python", lambda sim, d, l, pi: e2e_runs.python_command(script, sim, d, l, pi),
                build_dir, scratch, plan["python_always"], plan["python_ladder"], plan, runs)
        node = []
        node_script = os.path.join(BENCH_DIR, "peers", "node", "node_reference.js")
        node_ready = os.path.isdir(os.path.join(BENCH_DIR, "peers", "node", "node_modules", "ws"))
        if not args.no_node and plan["node_always"] and node_ready and shutil.which("node"):
            node = run_ladder(
                "node", lambda sim, d, l, pi: e2e_runs.node_command(node_script, sim, d, l, pi),
                build_dir, scratch, plan["node_always"], plan["node_ladder"], plan, runs)
        elif not args.no_node and plan["node_always"]:
            print("node peer skipped: run `npm install` in bench/peers/node first", flush=True)
        # CPU per event is compared at equal rates: add depthrec at each peer's best rate.
        for peer in (python, node):
            best = max_sustained(peer)
            if best and best["rate"] not in [r["rate"] for r in depthrec]:
                depthrec += run_ladder(
                    "depthrec",
                    lambda sim, d, l, pi: e2e_runs.depthrec_command(build_dir, sim, d, l, pi),
                    build_dir, scratch, [best["rate"]], [], dict(plan, flat_out=False), runs)
        summary = summarise(bare, depthrec, python)
        summary["node"] = summarise_peer(depthrec, node) if node else None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    meta["load_at_end"] = os.getloadavg()
    meta["seconds"] = round(time.monotonic() - started, 1)
    report = {"meta": meta, "bare_client": bare, "runs": runs, "summary": summary}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print("summary:", json.dumps(summary, indent=2))
    print(f"written {out} ({meta['seconds']} s)")
    failed = [r for r in runs if r["status"] == "no-data"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
