"""The Redis Streams sink end to end (issue 14, "Done means"): the lag from frame receipt to an entry
visible to a consumer, p50/p99, at a given event rate, next to what the server takes.

  python3 bench/redis_lag.py [--build-dir build] [--rate 10000] [--seconds 20] [--symbols 10]

One run, on loopback and a Unix socket, every process started here stopped here by its pid:
- a redis-server (Debian's) on a Unix socket in a scratch directory, `--save ''`;
- depthsim (no TLS) sending --rate depth events/s spread evenly over --symbols USD-M symbols;
- depthrec recording them with `--redis unix://...`;
- a consumer blocked in XREAD on every depth stream: depthrec-redis-lag (C++, the default) or,
  with --consumer python, one here (python3-redis). For each entry it reads, lag = the consumer's
  clock when XREAD returned - the entry's `recv_ns` (depthrec's receive time of the frame, same
  machine clock). It includes the consumer's own wake-up, so it is an upper bound on the sink's
  part; the sink's own part (frame receipt to the write() of its batch) is metrics.json's
  redis.write_lag_ms, printed as "sink_write_lag_ms" (the run's, a book's events buffered until
  its snapshot included), and offer() to that write() as "sink_queue_lag_ms".
Then, on the same server: `redis-benchmark -P 64` XADD of a 600-byte field (the server's pipelined
limit here) and `depthrec-redis-bench` (the sink's own throughput), so their ratio is from one run.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import redis_lag_stages as stages  # noqa: E402
from e2e_runs import read_json, stop_process, wait_for  # noqa: E402


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def recv_ns_of(data):
    """The record's "recv_ns" without parsing the whole line: the consumer's own time per entry
    is in the lag of the entries after it, so it is kept to a find and an int()."""
    at = data.find(b'"recv_ns":')
    if at < 0:
        return None
    at += len(b'"recv_ns":')
    end = at
    while end < len(data) and data[end:end + 1].isdigit():
        end += 1
    return int(data[at:end]) if end > at else None


def newest_ids(client, keys):
    """Each stream's newest id now, where reading starts. Not "$": XREAD resolves "$" anew at
    every call, so a stream the previous answer did not include would lose the entries added
    between two calls."""
    ids = {}
    for key in keys:
        newest = client.xrevrange(key, count=1)
        ids[key] = newest[0][0] if newest else "0-0"
    return ids


def consume(client, keys, seconds, warmup_s):
    """XREAD BLOCK on every key from now on; the lag of each entry read after the warm-up."""
    last_ids = newest_ids(client, keys)
    lags_ms = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        answer = client.xread(last_ids, block=1000, count=1000)
        read_ns = time.time_ns()
        measuring = time.monotonic() - start >= warmup_s
        for key, entries in answer or []:
            # Answers name the stream in bytes: a bytes key beside the str one would read the
            # stream twice.
            name = key.decode() if isinstance(key, bytes) else key
            for entry_id, fields in entries:
                last_ids[name] = entry_id
                if measuring:
                    recv_ns = recv_ns_of(fields[b"data"])
                    if recv_ns is not None:
                        lags_ms.append((read_ns - recv_ns) / 1e6)
    return lags_ms


def redis_benchmark_rate(socket_path):
    """redis-benchmark -P 64 XADD of a 600-byte field + 4 small ones: requests/s."""
    out = subprocess.run(
        ["redis-benchmark", "-s", socket_path, "-P", "64", "-n", "200000", "-q", "XADD",
         "benchstream", "MAXLEN", "~", "10000", "*", "data", "x" * 600, "type", "depth",
         "symbol", "BTCUSDT", "u", "123", "E", "456"],
        capture_output=True, text=True, timeout=300, check=True).stdout
    # "XADD benchstream ...: 107469.09 requests per second, p50=11.743 msec"
    for token in out.replace("\r", "\n").split("\n"):
        if "requests per second" in token:
            return float(token.split(":")[-1].split("requests")[0].strip().split()[-1])
    raise RuntimeError("no rate in redis-benchmark's output: " + out[-300:])


def sink_bench_rate(build_dir, socket_path):
    out = subprocess.run(
        [os.path.join(build_dir, "depthrec-redis-bench"), "--url", "unix://" + socket_path,
         "--entries", "200000"], capture_output=True, text=True, timeout=600, check=True).stdout
    return out.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--rate", type=float, default=10000.0, help="depth events/s in all")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time")
    parser.add_argument("--symbols", type=int, default=10)
    parser.add_argument("--consumer", choices=["cpp", "python"], default="cpp",
                        help="the measuring consumer: depthrec-redis-lag or python3-redis here")
    parser.add_argument("--no-throughput", action="store_true",
                        help="skip redis-benchmark and depthrec-redis-bench")
    parser.add_argument("--sim-sched", choices=["idle", "normal"], default="idle",
                        help="depthsim's scheduling policy (idle: SCHED_IDLE, see the docstring)")
    parser.add_argument("--chain-sched", choices=["normal", "fifo"], default="normal",
                        help="the measured chain's policy; fifo: redis-server and the consumer "
                             "under SCHED_FIFO priority 10 (chrt) and depthrec with "
                             "--realtime-priority 10 (its network and sink threads only), as a "
                             "latency-critical deployment runs them (needs CAP_SYS_NICE)")
    parser.add_argument("--perf-sched", type=float, default=0.0,
                        help="record the scheduler this many seconds of the measured window and "
                             "attribute the late entries (perf sched; adds its own load)")
    parser.add_argument("--late-ms", type=float, default=2.0, help="what a late entry is")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="redis-lag-")
    socket_path = os.path.join(scratch, "redis.sock")
    symbols = [f"S{i:03d}USDT" for i in range(args.symbols)]
    per_symbol = args.rate / args.symbols
    warmup_s = 3.0
    events = int(per_symbol * (args.seconds + warmup_s + 30))
    chain = ["chrt", "--fifo", "10"] if args.chain_sched == "fifo" else []
    server = subprocess.Popen(
        chain + ["redis-server", "--port", "0", "--unixsocket", socket_path, "--save", "",
         "--appendonly", "no", "--latency-monitor-threshold", "1", "--dir", scratch],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    sim = recorder = None
    results = {"rate": args.rate, "symbols": args.symbols}
    try:
        client = redis.Redis(unix_socket_path=socket_path)
        wait_for(lambda: os.path.exists(socket_path) and client.ping(), 20)
        port_file = os.path.join(scratch, "port")
        sim_sched = ["chrt", "--idle", "0"] if args.sim_sched == "idle" else []
        results["sim_sched"] = args.sim_sched
        results["chain_sched"] = args.chain_sched
        sim = subprocess.Popen(
            sim_sched + [os.path.join(args.build_dir, "depthsim"), "--port", "0", "--port-file", port_file,
             "--no-tls", "--market", "usdm", "--symbols", ",".join(symbols), "--rate",
             str(per_symbol), "--events", str(events), "--seed", "14"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port = wait_for(lambda: open(port_file).read().strip() if os.path.exists(port_file)
                        and open(port_file).read().endswith("\n") else None, 20)
        data_dir = os.path.join(scratch, "data")
        realtime = ["--realtime-priority", "10"] if chain else []
        recorder = subprocess.Popen(
            [os.path.join(args.build_dir, "depthrec"), "--endpoint", f"ws://127.0.0.1:{port}",
             "--rest-endpoint", f"http://127.0.0.1:{port}", "--data-dir", data_dir,
             "--log-dir", os.path.join(scratch, "logs"), "--no-summary", "--market", "usdm",
             "--symbols", ",".join(symbols), "--depth", "full", "--print-interval", "1",
             "--redis", "unix://" + socket_path] + realtime,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        keys = [f"depthrec:usdm:{s}:depth" for s in symbols]
        # Every book synced (its snapshot entry is in) before the measured window starts.
        wait_for(lambda: all(client.exists(key) for key in keys), 60, interval=0.2)
        results["consumer"] = args.consumer
        client.execute_command("CONFIG", "RESETSTAT")  # the command latency histograms
        client.execute_command("LATENCY", "RESET")
        cpu_before = stages.thread_cpu_ticks(recorder.pid)
        if args.consumer == "cpp":
            dump_path = os.path.join(scratch, "lags.txt")
            consumer = subprocess.Popen(
                chain + [os.path.join(args.build_dir, "depthrec-redis-lag"), "--url",
                 "unix://" + socket_path, "--keys", ",".join(keys), "--seconds",
                 str(args.seconds), "--warmup", str(warmup_s), "--dump", dump_path],
                stdout=subprocess.PIPE, text=True)
            perf = perf_path = None
            if args.perf_sched > 0:
                time.sleep(warmup_s)  # the window is the measured one, not the warm-up
                offset_ns = stages.wall_minus_monotonic_ns()
                perf_path = os.path.join(scratch, "perf.data")
                perf = stages.start_sched_record(perf_path, min(args.perf_sched, args.seconds))
            out, _ = consumer.communicate(timeout=args.seconds + warmup_s + 60)
            if consumer.returncode != 0:
                raise RuntimeError("depthrec-redis-lag failed")
            cpu_after = stages.thread_cpu_ticks(recorder.pid)
            measured = json.loads(out)
            results.update({
                "entries_measured": measured["entries_measured"],
                "entries_read": measured["entries_read"],
                "consumer_sequence_breaks": measured["sequence_breaks"],
                "consumer_streams_unread": measured["streams_unread"],
                "entries_per_s": round(measured["entries_measured"] / args.seconds),
                "lag_ms_p50": measured["lag_ms_p50"],
                "lag_ms_p99": measured["lag_ms_p99"],
                "lag_ms_max": measured["lag_ms_max"],
                "recorder_cpu_us_per_event": stages.recorder_cpu_us_per_event(
                    recorder.pid, cpu_before, cpu_after, measured["entries_read"]),
            })
            results["receipt_bursts"] = stages.burst_gaps(stages.read_dump(dump_path))
            if perf is not None:
                perf.wait(timeout=args.seconds + 60)
                pids = {"recorder": recorder.pid, "redis": server.pid, "depthsim": sim.pid,
                        "consumer": consumer.pid}
                slices = stages.parse_timehist(perf_path, pids)
                results["sched_waits"] = stages.sched_waits(slices, min(args.perf_sched,
                                                                        args.seconds))
                results["late"] = stages.late_clusters(stages.read_dump(dump_path), slices,
                                                       offset_ns, args.late_ms)
            else:
                results["late"] = stages.late_clusters(stages.read_dump(dump_path), [], 0,
                                                       args.late_ms)
        else:
            lags = sorted(consume(client, keys, args.seconds + warmup_s, warmup_s))
            results.update({
                "entries_measured": len(lags),
                "entries_per_s": round(len(lags) / args.seconds),
                "lag_ms_p50": round(percentile(lags, 0.50), 3) if lags else None,
                "lag_ms_p99": round(percentile(lags, 0.99), 3) if lags else None,
                "lag_ms_max": round(lags[-1], 3) if lags else None,
            })
        results["redis_server"] = stages.redis_latency(client)
        metrics = read_json(os.path.join(data_dir, "metrics.json")) or {}
        sink = metrics.get("redis") or {}
        results["sink_write_lag_ms"] = sink.get("write_lag_ms")
        results["sink_queue_lag_ms"] = sink.get("queue_lag_ms")
        results["sink"] = sink
        stop_process(recorder)
        recorder = None
        stop_process(sim)
        sim = None
        if not args.no_throughput:
            client.flushall()
            results["redis_benchmark_xadd_per_s"] = redis_benchmark_rate(socket_path)
            client.flushall()
            results["depthrec_redis_bench"] = sink_bench_rate(args.build_dir, socket_path)
    finally:
        for proc in (recorder, sim, server):
            if proc is not None:
                stop_process(proc)
        shutil.rmtree(scratch, ignore_errors=True)
    print(json.dumps(results, indent=1))
    if args.out:
        with open(args.out, "w") as out:
            json.dump(results, out, indent=1)
    if results.get("consumer_sequence_breaks") or results.get("consumer_streams_unread"):
        sys.exit("redis_lag: the consumer did not read every entry (consumer_sequence_breaks, "
                 "consumer_streams_unread): its lags are of a sample, not of every entry")


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.default_int_handler)
    main()
