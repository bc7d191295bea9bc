"""One measured end-to-end run: a depthsim process at a fixed rate (TLS, loopback), one recorder
connected to it (depthrec, the Python reference, or the bare client), and the figures read from
the outside: /sim/stats, the recorder's metrics.json, /proc/<pid>. Used by run_e2e.py.

Every process started here is stopped here, by its pid (SIGTERM, then SIGKILL after a timeout).
"""

import glob
import json
import os
import signal
import ssl
import subprocess
import time
import urllib.request

SYMBOL = "BTCUSDT"
STREAM = "btcusdt@depth@0ms"
# run_e2e.py --pin sets this to (simulator cpus, client cpus) for taskset; None lets the OS place
# every thread (the simulator then preempts the recorder on a 2-core machine).
PIN = None


def pinned(command, role):
    """`command` run under taskset on the CPUs of `role` ("sim" or "client") when pinning."""
    if PIN is None:
        return command
    return ["taskset", "-c", PIN[0] if role == "sim" else PIN[1]] + command
CLK_TCK = os.sysconf("SC_CLK_TCK")


def stop_process(proc, timeout=15.0, sig=signal.SIGTERM):
    """`sig` (SIGTERM), wait, then SIGKILL: returns the exit status (negative: killed by a signal)."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def wait_for(predicate, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None  # not written yet, or caught between two atomic replaces


def cpu_ns(pid):
    """CPU time of every live thread of pid, in ns (scheduler accounting, /proc/<pid>/task/*/schedstat)."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that just ended
    return total


def stat_cpu_s(pid):
    """utime + stime of /proc/<pid>/stat in seconds (ticks; includes threads that ended)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, ValueError, IndexError):
        return None


def vm_hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Simulator:
    """depthsim over TLS on an OS-chosen port; rate 0 = as fast as the clients read."""

    def __init__(self, build_dir, workdir, rate, market="usdm"):
        os.makedirs(workdir, exist_ok=True)
        self.ca = os.path.join(workdir, "sim-ca.pem")
        port_file = os.path.join(workdir, "sim.port")
        for path in (self.ca, port_file):
            if os.path.exists(path):
                os.remove(path)
        self.log = open(os.path.join(workdir, "depthsim.log"), "w")
        self.proc = subprocess.Popen(
            pinned([os.path.join(build_dir, "depthsim"), "--port", "0", "--port-file", port_file,
                    "--cert-out", self.ca, "--market", market, "--symbols", SYMBOL, "--rate",
                    str(rate), "--start-on-subscribe"], "sim"),
            stdout=self.log, stderr=subprocess.STDOUT)
        text = wait_for(lambda: self._read(port_file), timeout=15)
        if not text or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError("depthsim did not start (see depthsim.log in " + workdir + ")")
        self.port = int(text)
        self.context = ssl.create_default_context(cafile=self.ca)

    @staticmethod
    def _read(path):
        try:
            with open(path) as f:
                text = f.read().strip()
            return text if text.isdigit() else None
        except OSError:
            return None

    def get(self, path):
        url = f"https://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, context=self.context, timeout=10) as response:
            return json.loads(response.read())

    def depth_events_sent(self):
        """Depth events sent on the first (and only) WebSocket connection."""
        connections = self.get("/sim/stats").get("connections", [])
        return connections[0]["depth_events_sent"] if connections else 0

    def stream_url(self):
        return f"wss://127.0.0.1:{self.port}/stream?streams={STREAM}"

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def depthrec_command(build_dir, sim, data_dir, log_dir, print_interval):
    return [os.path.join(build_dir, "depthrec"), "--symbol", SYMBOL, "--market", "usdm",
            "--depth", "full", "--speed", "0ms", "--endpoint", f"wss://127.0.0.1:{sim.port}",
            "--rest-endpoint", f"https://127.0.0.1:{sim.port}", "--ca-file", sim.ca,
            "--data-dir", data_dir, "--log-dir", log_dir, "--print-interval", str(print_interval),
            "--no-summary"]


def python_command(script, sim, data_dir, log_dir, print_interval):
    return ["/usr/bin/python3", script, "--url", sim.stream_url(), "--ca-file", sim.ca,
            "--symbol", SYMBOL, "--data-dir", data_dir, "--log-dir", log_dir,
            "--print-interval", str(print_interval), "--no-summary"]


def node_command(script, sim, data_dir, log_dir, print_interval):
    return ["node", script, "--url", sim.stream_url(), "--ca-file", sim.ca, "--symbol", SYMBOL,
            "--data-dir", data_dir, "--print-interval", str(print_interval), "--no-summary"]


def measure_recorder(peer, command_for, build_dir, workdir, rate, window_s, print_interval=1,
                     warmup_s=1.0, drain_timeout_s=3.0, sustain_ratio=0.97):
    """Runs one recorder against a fresh simulator at `rate` and returns its figures (a dict).

    With print_interval 1 the received rate comes from two metrics.json files (each has its
    total and the time it was taken); with a longer interval (the CLI default 10, for the idle
    figures, as metrics.json costs CPU each time) from the simulator's count of events sent,
    which equals the received count whenever the run is clean (checked at the end)."""
    sim = Simulator(build_dir, workdir, rate)
    data_dir = os.path.join(workdir, "data")
    log_dir = os.path.join(workdir, "logs")
    metrics_path = os.path.join(data_dir, "metrics.json")
    result = {"peer": peer, "rate": rate, "window_s": window_s, "load_1m": os.getloadavg()[0]}
    log = open(os.path.join(workdir, peer + ".log"), "w")
    result["print_interval"] = print_interval
    proc = subprocess.Popen(pinned(command_for(sim, data_dir, log_dir, print_interval), "client"),
                            stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        started = wait_for(lambda: sim.depth_events_sent() > 0, timeout=20, interval=0.1)
        if not started or proc.poll() is not None:
            result["status"] = "no-data"
            return result
        time.sleep(warmup_s)

        m1, c1, s1, t1 = read_json(metrics_path), cpu_ns(proc.pid), sim.depth_events_sent(), \
            time.monotonic()
        sim_c1 = cpu_ns(sim.proc.pid)
        time.sleep(window_s)
        m2, c2, s2, t2 = read_json(metrics_path), cpu_ns(proc.pid), sim.depth_events_sent(), \
            time.monotonic()
        sim_c2 = cpu_ns(sim.proc.pid)

        sim.get("/sim/pause")
        time.sleep(0.2)
        sent = sim.depth_events_sent()
        if print_interval == 1:
            wait_for(lambda: (read_json(metrics_path) or {}).get("total_messages", 0) >= sent,
                     timeout=drain_timeout_s)
        else:
            time.sleep(1.0)  # no fresh metrics.json to watch: give it the time
        result["vm_hwm_kb"] = vm_hwm_kb(proc.pid)
        result["cpu_s_total_stat"] = stat_cpu_s(proc.pid)
        result["exit_status"] = stop_process(proc)
        final = read_json(metrics_path) or {}

        wall = t2 - t1
        if print_interval == 1:
            seconds = (m2["timestamp_ns"] - m1["timestamp_ns"]) / 1e9 if m1 and m2 else 0.0
            received = m2["total_messages"] - m1["total_messages"] if m1 and m2 else 0
            events_per_s = received / seconds if seconds > 0 else 0.0
            result["rate_source"] = "metrics.json"
        else:
            events_per_s = (s2 - s1) / wall
            result["rate_source"] = "sim"
        events_in_cpu_window = events_per_s * wall
        result.update({
            "events_per_s": round(events_per_s, 1),
            "sim_rate": round((s2 - s1) / wall, 1),
            "cpu_us_per_event": round((c2 - c1) / 1e3 / events_in_cpu_window, 3)
            if events_in_cpu_window > 0 else None,
            "cpu_core_pct": round((c2 - c1) / 1e9 / wall * 100.0, 3),
            "sim_cpu_core_pct": round((sim_c2 - sim_c1) / 1e9 / wall * 100.0, 1),
            "sent": sent,
            "received": final.get("total_messages", 0),
            "drops": final.get("log_queue", {}).get("drops"),
            "breaks": final.get("continuity", {}).get("breaks"),
            "pipeline_us": {k: final.get("pipeline_latency_us", {}).get(k)
                            for k in ("p50", "p95", "p99", "p999")},
            "event_latency_p99_ms": final.get("latency_ms", {}).get("p99"),
            "queue_depth_p95": final.get("log_queue", {}).get("depth_p95"),
            "queue_depth_max": final.get("log_queue", {}).get("depth_max"),
            "records_written": final.get("writer", {}).get("records_written"),
        })
        data_bytes = sum(os.path.getsize(p) for p in glob.glob(os.path.join(data_dir, "*.gz")))
        result["data_bytes"] = data_bytes
        result["bytes_per_event"] = round(data_bytes / result["received"], 1) \
            if result["received"] else None

        sim_ok = rate == 0 or result["sim_rate"] >= sustain_ratio * rate
        kept_up = rate == 0 or events_per_s >= sustain_ratio * rate
        clean = result["drops"] == 0 and result["breaks"] == 0 and result["received"] == sent
        if not sim_ok and clean:
            result["status"] = "sim-limited"
        else:
            result["status"] = "sustained" if (kept_up and clean) else "failed"
        return result
    finally:
        if proc.poll() is None:
            stop_process(proc)
        log.close()
        sim.stop()


def measure_bare_client(build_dir, workdir, window_s, warmup_s=1.0):
    """The bare client against depthsim --rate 0: frames/s loopback TLS delivers (JSON dict)."""
    sim = Simulator(build_dir, workdir, 0)
    try:
        client = subprocess.Popen(
            pinned([os.path.join(build_dir, "depthrec-bare-client"), "--url", sim.stream_url(),
                    "--ca-file", sim.ca, "--warmup-seconds", str(warmup_s), "--seconds",
                    str(window_s)], "client"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The simulator's share of the CPU over (most of) the client's measured window.
        time.sleep(warmup_s + 0.5)
        sim_c1, t1 = cpu_ns(sim.proc.pid), time.monotonic()
        time.sleep(max(0.5, window_s - 1.0))
        sim_c2, t2 = cpu_ns(sim.proc.pid), time.monotonic()
        try:
            stdout, stderr = client.communicate(timeout=window_s + warmup_s + 30)
        except subprocess.TimeoutExpired:
            stop_process(client)
            raise RuntimeError("depthrec-bare-client did not finish")
        if client.returncode != 0:
            raise RuntimeError("depthrec-bare-client failed: " + stderr.strip())
        result = json.loads(stdout)
        result["sim_cpu_core_pct"] = round((sim_c2 - sim_c1) / 1e9 / (t2 - t1) * 100.0, 1)
        result["load_1m"] = os.getloadavg()[0]
        return result
    finally:
        sim.stop()
