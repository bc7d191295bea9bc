"""The processes of the whole-market benchmark (bench/whole_market.py): depthsim with several
markets over TLS, one depthrec recording every stream, and what is read from the outside of
them (/sim/* per market listener, metrics.json, /proc/<pid>).

Every process started here is stopped here, by its pid: depthrec with SIGINT (as a user's
Ctrl-C), depthsim with SIGTERM; SIGKILL after a timeout.
"""

import datetime
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_runs import CLK_TCK, read_json, stat_cpu_s as cpu_seconds, stop_process, wait_for  # noqa: E402,F401


def memory_kb(pid):
    """(VmRSS, VmHWM) in KiB, or (None, None) once the process is gone."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key = line.split(":", 1)[0]
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return found.get("VmRSS"), found.get("VmHWM")


class MarketSimulator:
    """depthsim serving several markets, one TLS listener each (tools/depthsim/README.md)."""

    def __init__(self, build_dir, workdir, args, tls=True, prefix=()):
        self.tls = tls
        self.ca = os.path.join(workdir, "sim-ca.pem") if tls else None
        port_file = os.path.join(workdir, "sim.ports")
        # A reused work dir holds the last run's ports: read only what this depthsim writes.
        for stale in (port_file, self.ca):
            if stale and os.path.exists(stale):
                os.remove(stale)
        self.log_path = os.path.join(workdir, "depthsim.log")
        self.log = open(self.log_path, "w")
        command = list(prefix) + [os.path.join(build_dir, "depthsim"), "--port", "0",
                                  "--port-file", port_file]
        command += ["--cert-out", self.ca] if tls else ["--no-tls"]
        command += args
        self.command = command
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.ports = wait_for(lambda: self._ports(port_file), timeout=60)
        if not self.ports or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"depthsim did not start (see {self.log_path})")
        self.context = ssl.create_default_context(cafile=self.ca) if tls else None

    @staticmethod
    def _ports(path):
        """{market: port} from the port file's `<market> <port>` lines (after the first)."""
        try:
            with open(path) as f:
                lines = f.read().splitlines()
        except OSError:
            return None
        ports = {}
        for line in lines[1:]:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                ports[parts[0]] = int(parts[1])
        return ports or None

    def get(self, market, path, params=None, timeout=60):
        query = "?" + urllib.parse.urlencode(params) if params else ""
        url = f"{self.rest_endpoint(market)}{path}{query}"
        with urllib.request.urlopen(url, context=self.context, timeout=timeout) as response:
            return json.loads(response.read())

    def ws_endpoint(self, market):
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.ports[market]}"

    def rest_endpoint(self, market):
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.ports[market]}"

    def stop(self):
        if self.proc.poll() is None:
            stop_process(self.proc, timeout=20)
        self.log.close()


class Recorder:
    """One depthrec process recording every stream into workdir/data."""

    def __init__(self, build_dir, workdir, args, prefix=()):
        self.data_dir = os.path.join(workdir, "data")
        self.log_dir = os.path.join(workdir, "logs")
        self.metrics_path = os.path.join(self.data_dir, "metrics.json")
        self.out_path = os.path.join(workdir, "depthrec.out")
        self.out = open(self.out_path, "w")
        self.command = list(prefix) + [os.path.join(build_dir, "depthrec"), "--data-dir",
                                       self.data_dir, "--log-dir", self.log_dir] + args
        self.proc = subprocess.Popen(self.command, stdout=self.out, stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    def metrics(self):
        return read_json(self.metrics_path)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGINT, as a user stops it; the exit status."""
        code = stop_process(self.proc, timeout=120, sig=signal.SIGINT)
        self.out.close()
        return code


def thread_times(pid):
    """{tid: (user s, system s, voluntary switches, involuntary switches, name)} of a pid's
    threads now (the recorder names its threads: gzip-writer, redis-sink, rest-worker, ...)."""
    threads = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return threads
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            name = stat[stat.find("(") + 1:stat.rfind(")")]
            fields = stat.rsplit(")", 1)[1].split()
            switches = {}
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                for line in f:
                    if "ctxt_switches" in line:
                        key, value = line.split(":", 1)
                        switches[key.strip()] = int(value)
            threads[int(tid)] = (int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK,
                                 switches.get("voluntary_ctxt_switches", 0),
                                 switches.get("nonvoluntary_ctxt_switches", 0), name)
        except (OSError, ValueError, IndexError):
            continue  # the thread ended between the listing and the read
    return threads


class Sampler:
    """CPU (utime + stime) and RSS of a pid, sampled every `every` seconds by the caller; with
    `per_thread`, each thread's user and system time and context switches too (where the CPU goes:
    the network thread, the writer, the kernel's share of each)."""

    def __init__(self, pid, per_thread=False):
        self.pid = pid
        self.per_thread = per_thread
        self.samples = []  # (monotonic s, cpu s, rss KiB, {tid: thread_times} or None)

    def sample(self):
        cpu = cpu_seconds(self.pid)
        rss, _ = memory_kb(self.pid)
        threads = thread_times(self.pid) if self.per_thread else None
        if cpu is not None and rss is not None:
            self.samples.append((time.monotonic(), cpu, rss, threads))

    def threads_between(self, start, end):
        """Per thread alive at both ends of the window: % of a core in user and system time and
        context switches a second, the busiest first; the main thread (tid = pid) is the network
        thread, the one that runs the event loop."""
        inside = [s for s in self.samples if start <= s[0] <= end and s[3] is not None]
        if len(inside) < 2:
            return []
        first, last = inside[0], inside[-1]
        wall = last[0] - first[0]
        rows = []
        for tid, now in last[3].items():
            before = first[3].get(tid)
            if before is None or wall <= 0:
                continue
            rows.append({
                "tid": tid, "name": now[4], "main": tid == self.pid,
                "user_core_pct": round(100.0 * (now[0] - before[0]) / wall, 2),
                "system_core_pct": round(100.0 * (now[1] - before[1]) / wall, 2),
                "voluntary_switches_per_s": round((now[2] - before[2]) / wall, 1),
                "involuntary_switches_per_s": round((now[3] - before[3]) / wall, 1),
            })
        rows.sort(key=lambda r: -(r["user_core_pct"] + r["system_core_pct"]))
        return [r for r in rows if r["user_core_pct"] + r["system_core_pct"] > 0.05]

    def between(self, start, end):
        """CPU seconds and wall seconds between the samples nearest `start` and `end`."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return None, None
        return inside[-1][1] - inside[0][1], inside[-1][0] - inside[0][0]

    def peak_rss_kb(self):
        return max((s[2] for s in self.samples), default=None)


def stop_both(rec, sim):
    """The end of every run, also on error: the recorder (SIGINT), then the simulator."""
    if rec is not None and rec.alive():
        rec.stop()
    if sim is not None:
        sim.stop()


def write_result(result, out, bench_dir, name, ok, workdir, keep):
    """The run's JSON result into `out` (default bench_dir/results/<name>-<date>-<commit>.json);
    the work dir removed when the run passed and was not asked to be kept. The exit status."""
    out = out or os.path.join(bench_dir, "results", "{}-{}-{}.json".format(
        name, datetime.datetime.utcnow().strftime("%Y%m%d-%H%M"), result["commit"]))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
    print(f"  written: {out}")
    if ok and not keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1
