"""The whole-market benchmark (issue 12, "Done means"): run it through bench/whole_market.sh.

depthsim serves USD-M and spot over TLS (one listener each, as Binance has a host per market) at
an aggregate --total-rate spread Zipf over every symbol; one depthrec records every symbol's
depth@100ms (full book) and bookTicker for --minutes. The recorder's CPU and RSS are sampled from
/proc every --sample-sec. Then generation is paused (the truth is stable), the recorder catches
up and is stopped with SIGINT, and the recording is verified from the outside, book by book
(bench/whole_market_verify.py): every event depthsim delivered (wrote to a socket; sent, queued,
beside it) recorded or inside a marked gap, 0
unmarked breaks, each book at depthsim's last update id equal to /sim/truth. Optional faults
(--gap-symbols N, --drop-connection, --listing) are injected once every book is synced and
checked against the per-stream resyncs of metrics.json.

Prints the figures with their targets and writes them as JSON (default
bench/results/whole-market-<date>-<commit>.json).
"""

import argparse
import datetime
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_e2e import git_commit  # noqa: E402
from whole_market_procs import (MarketSimulator, Recorder, Sampler, memory_kb,  # noqa: E402
                                stop_both, stop_process, wait_for, write_result)
import whole_market_verify as verify  # noqa: E402

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
MARKETS = ("usdm", "spot")
EXCHANGE_INFO = {"usdm": "/fapi/v1/exchangeInfo", "spot": "/api/v3/exchangeInfo"}
CPU_TARGET_PCT = 25.0
RSS_TARGET_MIB = 1024.0

# Binance's REST weights (src/venues/binance/binance_limits.cpp) and the scheduler's shares
# (src/transport/rest_weight_scheduler.hpp): what sync_time_lower_bound computes.
WEIGHT_PER_MINUTE = {"spot": 6000, "futures": 2400}
INITIAL_SHARE = 0.8


def snapshot_weight(market, limit):
    if market == "spot":
        return 5 if limit <= 100 else 25 if limit <= 500 else 50 if limit <= 1000 else 250
    return 2 if limit <= 50 else 5 if limit <= 100 else 10 if limit <= 500 else 20


def sync_lower_bound_s(books, weight, per_minute):
    """rest_sync_bound.cpp: floor(limit * 0.8 / weight) snapshots a window, so the last of
    `books` goes after ceil(books / that) - 1 windows of 60 s."""
    if books == 0:
        return 0.0
    per_window = math.floor(per_minute * INITIAL_SHARE) // weight
    return 60.0 * (math.ceil(books / per_window) - 1)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--usdm", type=int, default=500, help="USD-M symbols (depth@100ms + bookTicker)")
    p.add_argument("--spot", type=int, default=1000, help="spot symbols (depth@100ms)")
    p.add_argument("--total-rate", type=float, default=20000.0, help="depth events/s in all")
    p.add_argument("--rate-margin", type=float, default=0.03,
                   help="depthsim is asked for --total-rate x (1 + this): its Zipf tail of quiet "
                   "symbols delivers a little under the rate asked (19,814 of 20,000 measured)")
    p.add_argument("--exchange-info-interval-sec", type=int, default=5,
                   help="depthrec follows depthsim's exchangeInfo this often (--symbols ALL)")
    p.add_argument("--snapshot-limit", type=int, default=500)
    p.add_argument("--spot-streams-per-connection", type=int, default=500,
                   help="every stream is named in its connection's URL (no live SUBSCRIBE yet): "
                   "depthsim refuses URLs over 16,000 bytes, ~700 streams")
    p.add_argument("--no-book-ticker", action="store_true",
                   help="depth only (default: --book-ticker, which depthrec applies to every market)")
    p.add_argument("--plain", action="store_true",
                   help="plain ws/http instead of TLS (Binance is TLS only: a lower bound)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--pin-cpus", action="store_true",
                   help="depthrec on CPU 0 and depthsim on CPU 1 (taskset): the recorder as a "
                   "deployment pinned to one core runs it, the simulated exchange off its core")
    p.add_argument("--sample-sec", type=float, default=5.0)
    p.add_argument("--gap-symbols", type=int, default=0, help="inject a gap on N symbols")
    p.add_argument("--drop-connection", action="store_true", help="drop one USD-M connection")
    p.add_argument("--listing", action="store_true", help="list one symbol, delist another")
    p.add_argument("--sync-timeout-sec", type=float, default=900.0,
                   help="how long past --minutes to wait for every book to sync")
    p.add_argument("--perf-record", type=float, default=0.0, metavar="SEC",
                   help="once every book is synced, `perf record -g` depthrec for SEC seconds "
                        "into <work-dir>/depthrec.perf.data (where its CPU goes)")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--work-dir", help="keep the run's files here (default: a temp dir, removed)")
    p.add_argument("--out", help="JSON result file")
    return p.parse_args()


def streams_of(metrics):
    return {(s["market"], s["symbol"]): s for s in (metrics or {}).get("streams", [])}


class Run:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.result = {"config": vars(args).copy(), "commit": git_commit(),
                       "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "checks": {}, "faults": {}}
        self.sim = None
        self.rec = None
        self.books = []  # (market, symbol)
        self.load = []
        self.perf = None  # the perf record process (--perf-record)

    # --- setup -------------------------------------------------------------------------------
    def start_simulator(self):
        a = self.args
        counts = ",".join(f"{m}={n}" for m, n in (("usdm", a.usdm), ("spot", a.spot)) if n > 0)
        self.sim = MarketSimulator(a.build_dir, self.workdir, [
            "--symbol-count", counts, "--total-rate", str(a.total_rate * (1.0 + a.rate_margin)),
            "--seed", str(a.seed)],
            tls=not a.plain, prefix=["taskset", "-c", "1"] if a.pin_cpus else ())
        self.result["depthsim_command"] = " ".join(self.sim.command)
        self.markets = [m for m in MARKETS if m in self.sim.ports]

    def symbol_list(self):
        """depthrec's --symbols: ALL of every market served, followed while running. The books
        expected are every TRADING symbol of each market's exchangeInfo at the start."""
        for market in self.markets:
            info = self.sim.get(market, EXCHANGE_INFO[market])
            for entry in info["symbols"]:
                if entry.get("status") == "TRADING":
                    self.books.append((market, entry["symbol"]))
        return ",".join(f"{m}:ALL" for m in self.markets)

    def start_recorder(self):
        a = self.args
        args = ["--symbols", self.symbol_list(), "--exchange-info-interval-sec",
                str(a.exchange_info_interval_sec), "--depth", "full", "--snapshot-limit",
                str(a.snapshot_limit), "--spot-streams-per-connection",
                str(a.spot_streams_per_connection), "--print-interval", "5"]
        if self.sim.tls:
            args += ["--ca-file", self.sim.ca]
        if not a.no_book_ticker:
            args.append("--book-ticker")
        for market in self.markets:
            args += ["--market-endpoint", f"{market}={self.sim.ws_endpoint(market)}",
                     "--market-rest-endpoint", f"{market}={self.sim.rest_endpoint(market)}"]
        prefix = ["taskset", "-c", "0"] if a.pin_cpus else []
        self.rec = Recorder(a.build_dir, self.workdir, args, prefix=prefix)
        self.result["depthrec_command"] = " ".join(prefix + [self.rec.command[len(prefix)]] + args)

    # --- the run -----------------------------------------------------------------------------
    def all_synced(self, metrics):
        streams = streams_of(metrics)
        return len(self.books) > 0 and all(
            b in streams and streams[b]["book"]["synced"] for b in self.books)

    def run(self):
        a = self.args
        rec_cpu, sim_cpu = Sampler(self.rec.proc.pid, per_thread=True), Sampler(self.sim.proc.pid)
        self.rec_cpu, self.sim_cpu = rec_cpu, sim_cpu
        start = self.rec.started
        end = start + a.minutes * 60.0
        deadline = end + a.sync_timeout_sec
        self.events_at = []  # (monotonic, total_messages, frames)
        self.synced_at = None
        self.faults_at = None
        next_sample = start
        while True:
            now = time.monotonic()
            if not self.rec.alive():
                raise RuntimeError(f"depthrec exited ({self.rec.proc.returncode}): see "
                                   f"{self.rec.out_path}")
            if now >= next_sample:
                rec_cpu.sample()
                sim_cpu.sample()
                self.load.append(os.getloadavg()[0])
                next_sample = now + a.sample_sec
                metrics = self.rec.metrics()
                if metrics:
                    self.events_at.append((now, metrics.get("total_messages", 0),
                                           metrics.get("frames", 0)))
                if self.synced_at is None and self.all_synced(metrics):
                    self.synced_at = now
                    print(f"every book synced after {now - start:.1f} s", flush=True)
                    if a.perf_record > 0:
                        self.start_perf_record()
                if self.synced_at and self.faults_at is None and self.wants_faults() and (
                        now >= start + a.minutes * 30.0):
                    self.inject_faults(metrics)
                    self.faults_at = now
            faults_done = (self.faults_at is not None and self.listing_settled(now)) or \
                not self.wants_faults()
            if now >= end and self.synced_at and faults_done and (
                    self.faults_at is None or now >= self.faults_at + 20):
                break
            if now >= deadline:
                print("not every book synced before the deadline", flush=True)
                break
            time.sleep(0.2)
        self.end = time.monotonic()

    def start_perf_record(self):
        """perf record -g of depthrec (every thread) for --perf-record seconds, in the steady
        state: `perf report -i <file> --no-children` shows where its CPU goes."""
        path = os.path.join(self.workdir, "depthrec.perf.data")
        self.perf = subprocess.Popen(
            ["perf", "record", "-F", "499", "-g", "-p", str(self.rec.proc.pid), "-o", path,
             "--", "sleep", str(self.args.perf_record)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.result["perf_record"] = path
        print(f"perf record of depthrec for {self.args.perf_record:.0f} s: {path}", flush=True)

    def stop_perf_record(self):
        if self.perf is not None and self.perf.poll() is None:
            stop_process(self.perf, timeout=30, sig=signal.SIGINT)

    def listing_settled(self, now):
        """--listing: the new symbol synced and the delisted one removed in metrics.json, or
        time enough for three follows and a sync gone by (the check then says missed)."""
        listing = self.result["faults"].get("listing")
        if not listing:
            return True
        if now >= self.faults_at + 3 * self.args.exchange_info_interval_sec + 60:
            return True
        streams = streams_of(self.rec.metrics())
        listed = tuple(listing["listed"].split(":"))
        delisted = tuple(listing["delisted"].split(":")) if listing["delisted"] else None
        return listed in streams and streams[listed]["book"]["synced"] and (
            delisted is None or streams.get(delisted, {}).get("state") == "removed")

    def wants_faults(self):
        return self.args.gap_symbols > 0 or self.args.drop_connection or self.args.listing

    # --- faults ------------------------------------------------------------------------------
    def inject_faults(self, metrics):
        self.baseline = streams_of(metrics)
        rates = {}
        for market in self.markets:
            for s in self.sim.get(market, "/sim/stats")["symbols"]:
                rates[(market, s["symbol"])] = s["rate"]
        taken = set()
        if self.args.drop_connection:
            taken |= self.drop_connection()
        if self.args.gap_symbols > 0:
            # Symbols that will have events soon (>= 1/s), spread over the rate ranks.
            lively = sorted((b for b in self.books if rates.get(b, 0) >= 1.0 and b not in taken),
                            key=lambda b: -rates[b])
            n = min(self.args.gap_symbols, len(lively))
            step = max(1, len(lively) // max(n, 1))
            chosen = [lively[i * step] for i in range(n)]
            for market, symbol in chosen:
                self.sim.get(market, "/sim/fault", {"kind": "gap", "symbol": symbol})
            taken |= set(chosen)
            self.result["faults"]["gap"] = {"symbols": [f"{m}:{s}" for m, s in chosen]}
            print(f"gap injected on {n} symbols", flush=True)
        if self.args.listing:
            self.list_and_delist(rates, taken)

    def drop_connection(self):
        stats = self.sim.get("usdm", "/sim/stats")
        open_conns = [c for c in stats["connections"] if c["open"] and c["streams"]]
        if not open_conns:
            self.result["faults"]["drop"] = {"error": "no open USD-M connection"}
            return set()
        conn = open_conns[len(open_conns) // 2]
        carried = {("usdm", name.split("@")[0].upper()) for name in conn["streams"]}
        self.sim.get("usdm", "/sim/fault", {"kind": "drop", "conn": conn["id"]})
        self.result["faults"]["drop"] = {"conn": conn["id"], "books": len(carried),
                                         "_carried": sorted(f"{m}:{s}" for m, s in carried)}
        print(f"dropped USD-M connection {conn['id']} carrying {len(carried)} books", flush=True)
        return carried

    def list_and_delist(self, rates, taken):
        # The quietest book no other fault touches is delisted; a new symbol is listed beside it.
        quiet = [b for b in self.books if b not in taken]
        delisted = min(quiet, key=lambda b: rates.get(b, 0)) if quiet else None
        market = delisted[0] if delisted else self.markets[0]
        new_symbol = "BENCHNEWUSDT"
        self.sim.get(market, "/sim/list", {"market": market, "symbol": new_symbol, "rate": "5"})
        if delisted:
            self.sim.get(market, "/sim/delist", {"market": market, "symbol": delisted[1]})
        self.listed = (market, new_symbol)
        self.result["faults"]["listing"] = {"listed": f"{market}:{new_symbol}",
                                            "delisted": f"{delisted[0]}:{delisted[1]}"
                                            if delisted else None}
        print(f"listed {market}:{new_symbol}, delisted {delisted}", flush=True)

    # --- the end -----------------------------------------------------------------------------
    def pause_and_stop(self):
        """Pauses generation, waits until every synced book is at depthsim's last update id,
        stops the recorder with SIGINT."""
        for market in self.markets:
            self.sim.get(market, "/sim/pause")
        listed = getattr(self, "listed", None)
        if listed and listed in streams_of(self.rec.metrics()):
            self.books.append(listed)  # followed: verified against /sim/truth as every book
        self.last_ids = {}
        for market in self.markets:
            for s in self.sim.get(market, "/sim/stats")["symbols"]:
                self.last_ids[(market, s["symbol"])] = s["last_update_id"]

        def caught_up():
            streams = streams_of(self.rec.metrics())
            return all(b in streams and (not streams[b]["book"]["synced"] or
                                         streams[b]["book"]["last_update_id"] == self.last_ids[b])
                       for b in self.books)
        self.caught_up = bool(wait_for(caught_up, timeout=60, interval=1.0))
        self.final_rss_kb, self.hwm_kb = memory_kb(self.rec.proc.pid)
        self.final_cpu = self.rec_cpu.samples[-1] if self.rec_cpu.samples else None
        self.sim_stats = {m: self.sim.get(m, "/sim/stats") for m in self.markets}
        self.rec_exit = self.rec.stop()
        self.metrics = self.rec.metrics()

    def verify_books(self):
        streams_dir = os.path.join(self.workdir, "by_stream")
        names = {}
        for market, symbol in self.books:
            low = symbol.lower()
            names[(market, symbol)] = [f"{low}@depth@100ms", f"{low}@bookTicker"]
        started = time.monotonic()
        paths = verify.split_streams(self.rec.data_dir, streams_dir, names)
        counts = verify.counts_by_book(self.sim_stats)
        replay = os.path.join(self.args.build_dir, "depthrec-replay")
        self.per_book = {}
        for book in self.books:
            truth = self.sim.get(book[0], "/sim/truth", {"symbol": book[1]})
            book_counts = counts.get(book, {"sent": 0, "delivered": 0})
            if book not in paths:
                self.per_book[book] = {**book_counts, "recorded": 0,
                                       "undelivered": book_counts["sent"] - book_counts["delivered"],
                                       "replay_failure": "no records", "book_equals_truth": False,
                                       "every_event_accounted": book_counts["delivered"] == 0,
                                       "unmarked_breaks": 0, "replay_exit": None}
                continue
            self.per_book[book] = verify.verify_book(replay, paths[book], truth, book_counts)
        self.verify_s = time.monotonic() - started

    # --- figures -----------------------------------------------------------------------------
    def figures(self):
        a, r = self.args, self.result
        metrics = self.metrics or {}
        streams = streams_of(metrics)
        start = self.rec.started
        window_start = self.synced_at or start
        cpu_s, wall_s = self.rec_cpu.between(window_start, self.end)
        sim_cpu_s, sim_wall_s = self.sim_cpu.between(window_start, self.end)
        ev = [e for e in self.events_at if window_start <= e[0] <= self.end]
        events = ev[-1][1] - ev[0][1] if len(ev) >= 2 else 0
        frames = ev[-1][2] - ev[0][2] if len(ev) >= 2 else 0
        ev_wall = ev[-1][0] - ev[0][0] if len(ev) >= 2 else 0
        whole_cpu, whole_wall = self.rec_cpu.between(start, self.end)
        whole_events = self.events_at[-1][1] - self.events_at[0][1] if self.events_at else 0
        per_book = self.per_book.values()
        sync_ms = [s["sync"]["initial_sync_ms"] for s in streams.values()
                   if s["sync"].get("initial_sync_ms") is not None]
        books_by_pool = {"spot": sum(1 for b in self.books if b[0] == "spot"),
                         "futures": sum(1 for b in self.books if b[0] != "spot")}
        bound_s = max(sync_lower_bound_s(books_by_pool[p], snapshot_weight(
            "spot" if p == "spot" else "usdm", a.snapshot_limit), WEIGHT_PER_MINUTE[p])
            for p in books_by_pool)
        rejected = {k: sum(st.get("limits", {}).get("rest", {}).get(k, 0)
                           for st in self.sim_stats.values()) for k in ("rejected_429",
                                                                        "rejected_418")}
        conns = {m: len(st["connections"]) for m, st in self.sim_stats.items()}
        rss_mib = (self.final_rss_kb or 0) / 1024.0
        peak_mib = max(self.rec_cpu.peak_rss_kb() or 0, self.hwm_kb or 0) / 1024.0
        core_pct = 100.0 * cpu_s / wall_s if cpu_s is not None and wall_s else None
        f = {
            "books": len(self.books),
            "streams": len(streams),
            "run_s": round(self.end - start, 1),
            "steady_window_s": round(wall_s or 0, 1),
            "events_per_s": round(events / ev_wall, 1) if ev_wall else None,
            "frames_per_s": round(frames / ev_wall, 1) if ev_wall else None,
            "depth_events_recorded": metrics.get("total_messages"),
            "all_synced_s": round(self.synced_at - start, 1) if self.synced_at else None,
            "max_initial_sync_ms": max(sync_ms) if sync_ms else None,
            "sync_lower_bound_s": bound_s,
            "recorder_cpu_core_pct": round(core_pct, 2) if core_pct is not None else None,
            "recorder_cpu_us_per_event": round(1e6 * cpu_s / events, 2) if events else None,
            "recorder_cpu_us_per_frame": round(1e6 * cpu_s / frames, 2) if frames else None,
            "recorder_cpu_core_pct_whole_run": round(100.0 * whole_cpu / whole_wall, 2)
            if whole_wall else None,
            "recorder_cpu_us_per_event_whole_run": round(1e6 * whole_cpu / whole_events, 2)
            if whole_events and whole_cpu is not None else None,
            "events_per_s_whole_run": round(whole_events / whole_wall, 1) if whole_wall else None,
            "depthsim_cpu_core_pct": round(100.0 * sim_cpu_s / sim_wall_s, 2)
            if sim_wall_s else None,
            "recorder_threads": self.rec_cpu.threads_between(window_start, self.end),
            "rss_mib_end": round(rss_mib, 1),
            "rss_mib_peak": round(peak_mib, 1),
            "rss_bytes_per_book": int((self.final_rss_kb or 0) * 1024 / max(len(self.books), 1)),
            "connections": conns,
            "http_429_sim": rejected["rejected_429"], "http_418_sim": rejected["rejected_418"],
            "http_429_depthrec": sum(s["snapshots"].get("rate_limited", 0)
                                     for s in streams.values()),
            "http_418_depthrec": sum(s["snapshots"].get("banned", 0) for s in streams.values()),
            "books_equal_truth": sum(1 for b in per_book if b.get("book_equals_truth")),
            "books_every_event_accounted": sum(1 for b in per_book
                                               if b.get("every_event_accounted")),
            "events_sent": sum(b.get("sent", 0) for b in per_book),
            "events_delivered": sum(b.get("delivered", 0) for b in per_book),
            "events_sent_undelivered": sum(b.get("undelivered", 0) for b in per_book),
            "books_with_undelivered": sum(1 for b in per_book if b.get("undelivered", 0) > 0),
            "events_recorded_replayed": sum(b.get("recorded", 0) for b in per_book),
            "events_missing_in_marked_gaps": sum(max(b.get("missing", 0), 0) for b in per_book),
            "unmarked_breaks": sum(b.get("unmarked_breaks", 0) for b in per_book),
            "marked_breaks": sum(b.get("breaks", 0) for b in per_book),
            "replay_failures": sum(1 for b in per_book if b.get("replay_exit") != 0),
            "recorder_exit": self.rec_exit,
            "caught_up_before_stop": self.caught_up,
            "load_avg_1m_mean": round(sum(self.load) / len(self.load), 2) if self.load else None,
            "load_avg_1m_max": round(max(self.load), 2) if self.load else None,
            "verify_s": round(self.verify_s, 1),
            "bytes_recorded": sum(os.path.getsize(p) for p in verify.segments(self.rec.data_dir)),
        }
        r["figures"] = f
        r["checks"]["every_event_recorded_or_in_marked_gap"] = \
            f["books_every_event_accounted"] == f["books"]
        r["checks"]["zero_unmarked_breaks"] = f["unmarked_breaks"] == 0
        r["checks"]["every_book_equals_truth"] = f["books_equal_truth"] == f["books"]
        r["checks"]["zero_429_418"] = (f["http_429_sim"] + f["http_418_sim"] +
                                       f["http_429_depthrec"] + f["http_418_depthrec"]) == 0
        r["checks"]["every_book_synced"] = self.synced_at is not None
        r["checks"]["recorder_exit_0"] = self.rec_exit == 0
        r["targets"] = {
            "events_per_s >= 20000": f["events_per_s"] is not None and
            f["events_per_s"] >= 20000,
            f"recorder CPU <= {CPU_TARGET_PCT:.0f} % of one core": core_pct is not None and
            core_pct <= CPU_TARGET_PCT,
            "recorder RSS <= 1 GiB": peak_mib <= RSS_TARGET_MIB,
        }
        r["books"] = {f"{m}:{s}": v for (m, s), v in self.per_book.items()
                      if not (v.get("book_equals_truth") and v.get("every_event_accounted") and
                              v.get("replay_exit") == 0)}  # only the failing ones, by name
        self.fault_checks(streams)

    def fault_checks(self, streams):
        faults = self.result["faults"]
        if not self.faults_at:
            return

        def delta(book, key):
            before = self.baseline.get(book, {}).get("continuity", {}).get(key, 0)
            return streams.get(book, {}).get("continuity", {}).get(key, 0) - before

        resynced = {b for b in self.books if delta(b, "resyncs") > 0}
        expected = set()
        if "gap" in faults:
            gap = {tuple(x.split(":")) for x in faults["gap"]["symbols"]}
            expected |= gap
            faults["gap"]["resynced"] = sum(1 for b in gap if b in resynced)
        if "drop" in faults and "_carried" in faults["drop"]:
            carried = {tuple(x.split(":")) for x in faults["drop"].pop("_carried")}
            expected |= carried
            faults["drop"]["resynced"] = sum(1 for b in carried if b in resynced)
            faults["drop"]["reconnected"] = sum(1 for b in carried if delta(b, "reconnects") > 0)
        others = sorted(f"{m}:{s}" for m, s in resynced - expected)
        faults["resynced_others"] = others
        if "gap" in faults or "drop" in faults:
            self.result["checks"]["only_the_faulted_books_resynced"] = \
                not others and resynced == expected
        if "listing" in faults:
            self.listing_checks(faults["listing"], streams)

    def listing_checks(self, listing, streams):
        """--listing, from what happened: the listed book recorded and equal to /sim/truth with
        every event accounted; the delisted one removed in metrics.json, UNSUBSCRIBEd (a
        `subscription` record of the `connections` stream names its streams), carried by no open
        depthsim connection, and nothing of it recorded after that request."""
        listed = tuple(listing["listed"].split(":"))
        book = self.per_book.get(listed, {})
        listing["listed_recorded"] = listed in streams
        listing["listed_verified"] = bool(book.get("book_equals_truth") and
                                          book.get("every_event_accounted") and
                                          book.get("replay_exit") == 0)
        checks = [listing["listed_recorded"], listing["listed_verified"]]
        if listing["delisted"]:
            market, symbol = listing["delisted"].split(":")
            names = {f"{symbol.lower()}@depth@100ms", f"{symbol.lower()}@bookTicker"}
            listing["delisted_state"] = streams.get((market, symbol), {}).get("state")
            carried = [c["id"] for c in self.sim_stats[market]["connections"]
                       if c["open"] and names & set(c.get("streams", []))]
            listing["delisted_carried_by_open_connections"] = carried
            unsubscribed = verify.unsubscribed_at(self.rec.data_dir, market, names)
            listing["delisted_unsubscribe_recorded"] = unsubscribed is not None
            later = verify.records_after(self.rec.data_dir, market, names, unsubscribed)
            listing["delisted_records_after_unsubscribe"] = later
            checks += [listing["delisted_state"] == "removed", not carried,
                       unsubscribed is not None, later == 0]
        listing["verdict"] = "followed" if all(checks) else "not followed"
        self.result["checks"]["listing_followed"] = all(checks)

    def report(self):
        f, r = self.result["figures"], self.result
        def line(name, value, target=None, met=None):
            mark = "" if met is None else ("  met" if met else "  MISSED")
            target = f"  (target {target})" if target else ""
            print(f"  {name:<46} {value}{target}{mark}")
        print(f"\nwhole market, commit {r['commit']}: {f['books']} books "
              f"({self.args.usdm} usdm + {self.args.spot} spot), {f['streams']} streams in "
              f"metrics.json, run {f['run_s']} s, load average {f['load_avg_1m_mean']} "
              f"(max {f['load_avg_1m_max']})")
        t = r["targets"]
        line("events/s (steady, depth)", f["events_per_s"], ">= 20,000",
             t["events_per_s >= 20000"])
        line("frames/s (depth + bookTicker)", f["frames_per_s"])
        line("every book synced after (s)", f["all_synced_s"])
        line("REST budget's lower bound (s)", f["sync_lower_bound_s"])
        line("recorder CPU, % of one core (steady)", f["recorder_cpu_core_pct"], "<= 25 %",
             t[f"recorder CPU <= {CPU_TARGET_PCT:.0f} % of one core"])
        line("recorder CPU, % of one core (whole run)", f["recorder_cpu_core_pct_whole_run"])
        line("recorder CPU us/event (us/frame)",
             f"{f['recorder_cpu_us_per_event']} ({f['recorder_cpu_us_per_frame']})")
        line("recorder CPU us/event, events/s (whole run)",
             f"{f['recorder_cpu_us_per_event_whole_run']}, {f['events_per_s_whole_run']}")
        for thread in f["recorder_threads"][:4]:
            name = "network (main)" if thread["main"] else f"{thread['name']} ({thread['tid']})"
            line(f"  {name}: user / system % of a core",
                 f"{thread['user_core_pct']} / {thread['system_core_pct']}, switches/s "
                 f"{thread['voluntary_switches_per_s']} voluntary, "
                 f"{thread['involuntary_switches_per_s']} involuntary")
        line("depthsim CPU, % of one core", f["depthsim_cpu_core_pct"])
        line("recorder RSS MiB end / peak", f"{f['rss_mib_end']} / {f['rss_mib_peak']}",
             "<= 1,024", t["recorder RSS <= 1 GiB"])
        line("RSS bytes per book (whole process / books)", f["rss_bytes_per_book"])
        line("connections (depthsim's count)", f["connections"])
        line("HTTP 429 / 418 (depthsim; depthrec)",
             f"{f['http_429_sim']} / {f['http_418_sim']}; {f['http_429_depthrec']} / "
             f"{f['http_418_depthrec']}", "0", r["checks"]["zero_429_418"])
        line("events sent / delivered / recorded (replayed)",
             f"{f['events_sent']} / {f['events_delivered']} / {f['events_recorded_replayed']} "
             f"({f['events_sent_undelivered']} never written, on {f['books_with_undelivered']} "
             f"books; {f['events_missing_in_marked_gaps']} delivered in marked gaps)")
        line("books with every event accounted", f"{f['books_every_event_accounted']} / "
             f"{f['books']}", "all", r["checks"]["every_event_recorded_or_in_marked_gap"])
        line("breaks marked / unmarked", f"{f['marked_breaks']} / {f['unmarked_breaks']}",
             "0 unmarked", r["checks"]["zero_unmarked_breaks"])
        line("books equal to /sim/truth", f"{f['books_equal_truth']} / {f['books']}", "all",
             r["checks"]["every_book_equals_truth"])
        line("depthrec-replay failures", f["replay_failures"])
        line("recorder exit status (SIGINT)", f["recorder_exit"])
        for name, value in r["faults"].items():
            line(f"fault {name}", json.dumps(value)[:300])
        if "listing_followed" in r["checks"]:
            line("listing and delisting followed", "", None, r["checks"]["listing_followed"])
        if "only_the_faulted_books_resynced" in r["checks"]:
            line("only the faulted books resynced", "", None,
                 r["checks"]["only_the_faulted_books_resynced"])
        failing = [k for k, v in r["checks"].items() if not v]
        print(f"  checks: {'all passed' if not failing else 'FAILED: ' + ', '.join(failing)}")
        if r["books"]:
            print("  failing books: " + json.dumps(dict(list(r["books"].items())[:10]))[:2000])
        return not failing


def main():
    args = parse_args()
    workdir = args.work_dir or tempfile.mkdtemp(prefix="whole-market-")
    os.makedirs(workdir, exist_ok=True)
    run = Run(args, workdir)
    ok = False
    try:
        run.start_simulator()
        run.start_recorder()
        print(f"depthsim ports {run.sim.ports}; depthrec pid {run.rec.proc.pid} recording "
              f"{len(run.books)} books for {args.minutes} min; work dir {workdir}", flush=True)
        run.run()
        run.pause_and_stop()
        run.verify_books()
        run.figures()
        ok = run.report()
    finally:
        run.stop_perf_record()
        stop_both(run.rec, run.sim)
    return write_result(run.result, args.out, BENCH_DIR, "whole-market", ok, workdir, args.work_dir)


if __name__ == "__main__":
    sys.exit(main())
