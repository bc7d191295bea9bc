"""Where the Redis sink's end-to-end lag goes (issue 14), for bench/redis_lag.py.

- sched_waits(): `perf sched timehist` of a `perf sched record -a -k CLOCK_MONOTONIC` taken during
  the measured window: each time a thread was woken and waited for a core (wake-up to switch-in),
  by role: the recorder's network thread (its main thread), its sink thread (named "redis-sink"),
  its other threads (the file writer...), redis-server, depthsim, the measuring consumer, and
  everything else on the machine ("other": other users' builds).
- late_clusters(): the consumer's dumped entries (recv_ns, read_ns) whose lag passed a threshold,
  grouped into clusters, each blamed on the role whose wait for a core overlapped it the longest.
- redis_latency(): redis-server's own time per XADD / XREAD (`LATENCY HISTOGRAM`, Redis 7), and
  what its latency monitor saw take over 1 ms in its event loop (`LATENCY LATEST`).
"""

import os
import subprocess
import time

ROLES = ("network", "sink", "recorder_other", "redis", "depthsim", "consumer", "other")


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def wall_minus_monotonic_ns():
    """The offset from CLOCK_MONOTONIC (perf's clock here) to the wall clock (recv_ns)."""
    before = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    wall = time.time_ns()
    after = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    return wall - (before + after) // 2


def start_sched_record(path, seconds):
    return subprocess.Popen(
        ["perf", "sched", "record", "-a", "-k", "CLOCK_MONOTONIC", "-o", path, "--", "sleep",
         str(seconds)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def role_of(comm, tid, pid, pids):
    if pid == pids.get("recorder"):
        if tid == pid:
            return "network"
        return "sink" if comm == "redis-sink" else "recorder_other"
    for role in ("redis", "depthsim", "consumer"):
        if pid == pids.get(role):
            return role
    return "other"


def parse_timehist(path, pids):
    """[(role, wake_ns, run_start_ns, run_ns)] on the monotonic clock, one per slice that ran."""
    out = subprocess.run(["perf", "sched", "timehist", "-i", path], capture_output=True,
                         text=True, timeout=600).stdout
    slices = []
    for line in out.splitlines():
        parts = line.split()
        # "  50623.361445 [0000]  cc1plus[8983]  0.000  0.000  3.530" (task names may hold
        # spaces: the last three columns are the numbers, the task is what comes before them)
        if len(parts) < 6 or not parts[1].startswith("["):
            continue
        try:
            end_ns = int(round(float(parts[0]) * 1e9))
            delay_ms, run_ms = float(parts[-2]), float(parts[-1])
        except ValueError:
            continue
        task = " ".join(parts[2:-3])
        if "[" not in task:
            continue
        comm, ids = task.rsplit("[", 1)
        ids = ids.rstrip("]").split("/")
        try:
            tid = int(ids[0])
            pid = int(ids[1]) if len(ids) > 1 else tid
        except ValueError:
            continue
        if tid == 0:
            continue  # idle
        run_ns = int(run_ms * 1e6)
        start_ns = end_ns - run_ns
        slices.append((role_of(comm, tid, pid, pids), start_ns - int(delay_ms * 1e6), start_ns,
                       run_ns))
    return slices


def sched_waits(slices, seconds):
    """Per role: wake-ups, wait for a core p50/p99/max and how many over 1 ms, CPU share."""
    summary = {}
    for role in ROLES:
        waits = sorted((start - wake) / 1e6 for r, wake, start, _ in slices if r == role)
        runs = sorted(run / 1e6 for r, _, _, run in slices if r == role)
        ran_ms = sum(runs)
        if not waits:
            continue
        summary[role] = {
            "slices": len(waits),
            "wait_ms_p50": round(percentile(waits, 0.5), 3),
            "wait_ms_p99": round(percentile(waits, 0.99), 3),
            "wait_ms_max": round(waits[-1], 3),
            "waits_over_1ms": sum(1 for w in waits if w > 1.0),
            "run_ms_p99": round(percentile(runs, 0.99), 3),
            "run_ms_max": round(runs[-1], 3),
            "cpu_share_of_a_core": round(ran_ms / 1e3 / seconds, 3),
        }
    return summary


def read_dump(path):
    pairs = []
    with open(path) as dump:
        for line in dump:
            recv_ns, read_ns = line.split()
            pairs.append((int(recv_ns), int(read_ns)))
    return pairs


# The threads an entry passes after its receipt (recv_ns): the recorder's network thread offers
# it, the sink's writes it, redis-server adds it and answers the blocked XREAD, the consumer reads.
CHAIN = ("network", "sink", "redis", "consumer")


def late_clusters(pairs, slices, offset_ns, threshold_ms=2.0, join_ns=1_000_000):
    """Entries later than threshold_ms, in clusters (late entries less than join_ns apart by
    receipt). With scheduler slices, only the entries received while they were recorded count,
    and each cluster is blamed on the thread of the chain whose waits for a core overlapped its
    span [first receipt, last read] the longest ("none": none of them waited over 0.1 ms then)."""
    if slices:
        first_ns = min(wake for _, wake, _, _ in slices) + offset_ns
        last_ns = max(start + run for _, _, start, run in slices) + offset_ns
        pairs = [(recv, read) for recv, read in pairs if first_ns <= recv and read <= last_ns]
    late = sorted((recv, read) for recv, read in pairs if (read - recv) / 1e6 > threshold_ms)
    clusters = []
    for recv, read in late:
        if clusters and recv - clusters[-1][1] < join_ns:
            first, _, last_read, count = clusters[-1]
            clusters[-1] = (first, recv, max(last_read, read), count + 1)
        else:
            clusters.append((recv, recv, read, 1))
    waits = [(r, wake + offset_ns, start + offset_ns) for r, wake, start, _ in slices
             if r in CHAIN and start - wake > 100_000]  # waits over 0.1 ms only
    blame = {}
    entries_blamed = {}
    sizes = []
    for first, _, last_read, count in clusters:
        sizes.append(count)
        overlap = {}
        for role, wake, start in waits:
            covered = min(start, last_read) - max(wake, first)
            if covered > 0:
                overlap[role] = overlap.get(role, 0) + covered
        worst = max(overlap, key=overlap.get) if overlap else "none"
        blame[worst] = blame.get(worst, 0) + 1
        entries_blamed[worst] = entries_blamed.get(worst, 0) + count
    sizes.sort()
    return {
        "threshold_ms": threshold_ms,
        "entries": len(pairs),
        "late_entries": len(late),
        "clusters": len(clusters),
        "cluster_entries_p50": percentile(sizes, 0.5),
        "cluster_entries_max": sizes[-1] if sizes else None,
        "clusters_by_longest_waiting_role": blame,
        "late_entries_by_longest_waiting_role": entries_blamed,
    }


def burst_gaps(pairs, burst_ns=100_000):
    """How far apart the recorder's receipts come: receipts less than burst_ns apart are one
    burst; the gaps between bursts say how long a sink thread spinning before it sleeps would
    have to spin to find the next lines (a spin shorter than the gap only burns CPU)."""
    times = sorted(recv for recv, _ in pairs)
    gaps = sorted((b - a) / 1e6 for a, b in zip(times, times[1:]) if b - a >= burst_ns)
    if not gaps:
        return {}
    return {"bursts": len(gaps) + 1, "gap_ms_p10": round(percentile(gaps, 0.1), 3),
            "gap_ms_p50": round(percentile(gaps, 0.5), 3),
            "share_under_0.2ms": round(sum(1 for g in gaps if g < 0.2) / len(gaps), 3),
            "share_under_0.5ms": round(sum(1 for g in gaps if g < 0.5) / len(gaps), 3)}


def histogram_quantiles(flat):
    """LATENCY HISTOGRAM's [bucket_us, cumulative count, ...] -> calls, p50/p99 upper edges."""
    buckets = [(int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat) - 1, 2)]
    if not buckets:
        return {}
    total = buckets[-1][1]

    def edge(q):
        for bucket_us, cumulative in buckets:
            if cumulative >= q * total:
                return bucket_us
        return buckets[-1][0]

    return {"calls": total, "us_p50_le": edge(0.5), "us_p99_le": edge(0.99),
            "us_max_le": buckets[-1][0]}


def redis_latency(client):
    """redis-server's own time per command and its event-loop stalls over the threshold."""
    result = {}
    answer = client.execute_command("LATENCY", "HISTOGRAM", "xadd", "xread")
    if isinstance(answer, dict):
        answer = [x for kv in answer.items() for x in kv]
    for i in range(0, len(answer) - 1, 2):
        name = answer[i].decode() if isinstance(answer[i], bytes) else str(answer[i])
        details = answer[i + 1]
        if isinstance(details, dict):
            details = [x for kv in details.items() for x in kv]
        fields = {(details[j].decode() if isinstance(details[j], bytes) else details[j]):
                  details[j + 1] for j in range(0, len(details) - 1, 2)}
        histogram = fields.get("histogram_usec") or []
        if isinstance(histogram, dict):
            histogram = [x for kv in histogram.items() for x in kv]
        result[name] = histogram_quantiles(histogram)
    result["latency_monitor_over_1ms"] = [
        {"event": e[0].decode(), "latest_ms": e[2], "max_ms": e[3]}
        for e in client.execute_command("LATENCY", "LATEST")]
    return result


def thread_cpu_ticks(pid):
    """{tid: (comm, utime + stime in clock ticks)} of a live process."""
    ticks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        ticks[int(tid)] = (comm, int(fields[11]) + int(fields[12]))
    return ticks


def recorder_cpu_us_per_event(pid, before, after, events):
    """The recorder's CPU per event between two thread_cpu_ticks(), in all and by role."""
    hz = os.sysconf("SC_CLK_TCK")
    by_role = {}
    for tid, (comm, ticks) in after.items():
        role = "network" if tid == pid else ("sink" if comm == "redis-sink" else "other_threads")
        delta = ticks - before.get(tid, (comm, 0))[1]
        by_role[role] = by_role.get(role, 0) + delta
    per_event = {role: round(t / hz * 1e6 / events, 2) for role, t in by_role.items()}
    per_event["all"] = round(sum(by_role.values()) / hz * 1e6 / events, 2)
    return per_event
