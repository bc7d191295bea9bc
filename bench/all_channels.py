"""Every channel of 200 symbols, proven per channel and symbol (issue 13, "Done means"): run it
through bench/all_channels.sh.

depthsim serves USD-M and spot over TLS (--usdm 100, --spot 100 symbols, --total-rate depth
events/s spread Zipf over them; a trade group before every depth event); one depthrec records
every symbol's depth@100ms (full book), bookTicker, trade, aggTrade and kline_1m, and markPrice on
USD-M, from a config file in seed 003's shape (one `symbols[]` entry per symbol, its own streams:
spot has no markPrice), with --repair-trades. Once every book is synced and half the run has
passed, a trade-id gap is injected on --gap-symbols symbols (/sim/fault?kind=trade_gap: a trade
group generated and sent to nobody). At the end generation is paused, the recorder catches up and
is stopped with SIGINT, and the recording is verified from the outside:
  - per symbol and channel, the records of each type counted (the segments' gzip members, by
    market and stream) against depthsim's own counts of what it sent (/sim/stats symbols[]:
    trade_events_sent, agg_trade_events_sent, kline_events_sent, book_ticker_events_sent,
    mark_price_events_sent; depth: events delivered per connection): each sent event recorded, or
    missing inside a gap that depthrec-replay says is marked;
  - each book replayed on its own by depthrec-replay (its depth, bookTicker, trade, aggTrade and
    kline streams): the book at depthsim's last update id equal to /sim/truth, every bookTicker
    equal to the book's top, trade and aggTrade ids consecutive or every jump marked, every
    injected gap marked and the aggTrade gap filled from REST, every closed kline equal to the one
    the recorded trades imply (kline_trade_checks), 0 mismatches;
  - depthrec-replay on the whole recording exits 0;
  - 0 HTTP 429/418 (depthsim's counts and depthrec's).
Prints a table per channel and a PASS/FAIL line; writes the JSON result (default
bench/results/all-channels-<date>-<commit>.json).
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_e2e import git_commit  # noqa: E402
from whole_market_procs import (MarketSimulator, Recorder, Sampler, stop_both,  # noqa: E402
                                wait_for, write_result)
import whole_market_verify as verify  # noqa: E402
from all_channels_verify import (CHANNELS, DEPTH, channel_checks, channels_of,  # noqa: E402
                                 count_records, replay_json, stream_name)

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
MARKETS = ("usdm", "spot")
EXCHANGE_INFO = {"usdm": "/fapi/v1/exchangeInfo", "spot": "/api/v3/exchangeInfo"}
def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--usdm", type=int, default=100, help="USD-M symbols (every channel)")
    p.add_argument("--spot", type=int, default=100, help="spot symbols (every channel but markPrice)")
    p.add_argument("--total-rate", type=float, default=2000.0,
                   help="depth events/s in all (each with a trade group before it)")
    p.add_argument("--gap-symbols", type=int, default=4,
                   help="symbols given a trade-id gap (half USD-M, half spot)")
    p.add_argument("--snapshot-limit", type=int, default=500)
    p.add_argument("--plain", action="store_true", help="plain ws/http instead of TLS")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--sample-sec", type=float, default=5.0)
    p.add_argument("--sync-timeout-sec", type=float, default=300.0,
                   help="how long past --minutes to wait for every book to sync")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    p.add_argument("--work-dir", help="keep the run's files here (default: a temp dir, removed "
                   "when every check passed)")
    p.add_argument("--out", help="JSON result file")
    return p.parse_args()


class Run:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.result = {"config": vars(args).copy(), "commit": git_commit(),
                       "date": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "checks": {}}
        self.sim = self.rec = None
        self.books = []  # (market, symbol)
        self.gapped = []

    def start(self):
        a = self.args
        counts = ",".join(f"{m}={n}" for m, n in (("usdm", a.usdm), ("spot", a.spot)) if n > 0)
        self.sim = MarketSimulator(a.build_dir, self.workdir, [
            "--symbol-count", counts, "--total-rate", str(a.total_rate), "--seed", str(a.seed)],
            tls=not a.plain)
        self.markets = [m for m in MARKETS if m in self.sim.ports]
        for market in self.markets:
            for entry in self.sim.get(market, EXCHANGE_INFO[market])["symbols"]:
                if entry.get("status") == "TRADING":
                    self.books.append((market, entry["symbol"]))
        config = os.path.join(self.workdir, "channels.yaml")
        with open(config, "w") as f:
            f.write(self.config_yaml())
        args = ["--config", config, "--repair-trades", "--snapshot-limit", str(a.snapshot_limit),
                "--print-interval", "5"]
        if self.sim.tls:
            args += ["--ca-file", self.sim.ca]
        for market in self.markets:
            args += ["--market-endpoint", f"{market}={self.sim.ws_endpoint(market)}",
                     "--market-rest-endpoint", f"{market}={self.sim.rest_endpoint(market)}"]
        self.rec = Recorder(a.build_dir, self.workdir, args)
        self.result["depthsim_command"] = " ".join(self.sim.command)
        self.result["depthrec_command"] = " ".join(self.rec.command)

    def config_yaml(self):
        """Seed 003's shape: one symbols[] entry per symbol with its market and streams."""
        lines = ["mode: development", "modes:", "  development:", "    run_duration: 0",
                 "    symbols:"]
        for market, symbol in self.books:
            streams = ", ".join([DEPTH] + channels_of(market))
            lines += [f"      - symbol: {symbol}", f"        market: {market}",
                      f"        streams: [{streams}]"]
        return "\n".join(lines) + "\n"

    # --- the run -----------------------------------------------------------------------------
    def all_synced(self, metrics):
        streams = {(s["market"], s["symbol"]): s for s in (metrics or {}).get("streams", [])}
        return bool(self.books) and all(
            b in streams and streams[b]["book"]["synced"] for b in self.books)

    def run(self):
        a = self.args
        self.rec_cpu = Sampler(self.rec.proc.pid)
        start = self.rec.started
        end = start + a.minutes * 60.0
        deadline = end + a.sync_timeout_sec
        self.synced_at = self.gaps_at = None
        next_sample = start
        while True:
            now = time.monotonic()
            if not self.rec.alive():
                raise RuntimeError(f"depthrec exited ({self.rec.proc.returncode}): see "
                                   f"{self.rec.out_path}")
            if now >= next_sample:
                self.rec_cpu.sample()
                next_sample = now + a.sample_sec
                metrics = self.rec.metrics()
                if self.synced_at is None and self.all_synced(metrics):
                    self.synced_at = now
                    print(f"every book synced after {now - start:.1f} s", flush=True)
                if self.synced_at and self.gaps_at is None and now >= start + a.minutes * 30.0:
                    self.inject_trade_gaps()
                    self.gaps_at = now
            if now >= end and self.synced_at and self.gaps_at:
                break
            if now >= deadline:
                print("not every book synced before the deadline", flush=True)
                break
            time.sleep(0.2)
        self.end = time.monotonic()

    def inject_trade_gaps(self):
        """A trade_gap on the liveliest symbols of each market (they trade again soon, so the
        gap is seen and repaired within the run)."""
        n = self.args.gap_symbols
        per_market = {m: (n + i) // len(self.markets) for i, m in enumerate(self.markets)}
        for market in self.markets:
            symbols = sorted(self.sim.get(market, "/sim/stats")["symbols"],
                             key=lambda s: -s["rate"])
            for s in symbols[:per_market[market]]:
                self.sim.get(market, "/sim/fault", {"kind": "trade_gap", "symbol": s["symbol"]})
                self.gapped.append((market, s["symbol"]))
        self.result["trade_gaps"] = [f"{m}:{s}" for m, s in self.gapped]
        print(f"trade-id gap injected on {len(self.gapped)} symbols", flush=True)

    def pause_and_stop(self):
        """Pauses generation; waits until every book is at depthsim's last id and every trade
        depthsim sent is counted by depthrec (and every gap's repair answered); SIGINT."""
        for market in self.markets:
            self.sim.get(market, "/sim/pause")
        sent = self.sim_symbols()

        def caught_up():
            metrics = self.rec.metrics() or {}
            books = {(s["market"], s["symbol"]): s for s in metrics.get("streams", [])}
            channels = {(s["market"], s["stream"]): s for s in metrics.get("channel_streams", [])}
            for book in self.books:
                s = books.get(book)
                if not s or (s["book"]["synced"] and
                             s["book"]["last_update_id"] != sent[book]["last_update_id"]):
                    return False
                for channel in ("trade", "aggTrade"):
                    c = channels.get((book[0], stream_name(book[1], channel)))
                    if not c or c["frames"] < sent[book][CHANNELS[channel][2]]:
                        return False
                    repairs = c.get("repairs", {})
                    if repairs.get("requested", 0) > repairs.get("filled", 0) + repairs.get(
                            "partial", 0) + repairs.get("failed", 0):
                        return False
            return True
        self.caught_up = bool(wait_for(caught_up, timeout=120, interval=1.0))
        self.sim_stats = {m: self.sim.get(m, "/sim/stats") for m in self.markets}
        self.sim_sent = self.sim_symbols()
        self.rec_exit = self.rec.stop()
        self.metrics = self.rec.metrics() or {}

    def sim_symbols(self):
        """{(market, symbol): /sim/stats symbols[] entry}: depthsim's counts of what it sent."""
        out = {}
        for market in self.markets:
            for s in self.sim.get(market, "/sim/stats")["symbols"]:
                out[(market, s["symbol"])] = s
        return out

    # --- verification ------------------------------------------------------------------------
    def verify(self):
        started = time.monotonic()
        replay = os.path.join(self.args.build_dir, "depthrec-replay")
        self.counts = count_records(self.rec.data_dir)
        names = {b: [stream_name(b[1], c) for c in [DEPTH] + channels_of(b[0])]
                 for b in self.books}
        paths = verify.split_streams(self.rec.data_dir, os.path.join(self.workdir, "by_symbol"),
                                     names)
        depth_counts = verify.counts_by_book(self.sim_stats)
        self.per_book = {}
        for book in self.books:
            truth = self.sim.get(book[0], "/sim/truth", {"symbol": book[1]})
            counts = depth_counts.get(book, {"sent": 0, "delivered": 0})
            entry = {"depth": verify.verify_book(replay, paths[book], truth, counts)
                     if book in paths else {"every_event_accounted": False,
                                            "book_equals_truth": False, "replay_exit": None}}
            report = replay_json(replay, [paths[book]]) if book in paths else {}
            entry["replay_exit"] = report.get("exit_code")
            entry.update(channel_checks(book, report, self.counts, self.sim_sent.get(book, {}),
                                        book in self.gapped))
            self.per_book[book] = entry
        self.whole = replay_json(replay, [self.rec.data_dir])
        self.verify_s = time.monotonic() - started

    def figures(self):
        r = self.result
        per_book = self.per_book
        table = {}
        for channel in ["depth"] + list(CHANNELS):
            rows = [(b, v[channel]) for b, v in per_book.items() if channel in v]
            if channel == "depth":
                table[channel] = {
                    "symbols": len(rows), "sent": sum(v.get("delivered", 0) for _, v in rows),
                    "recorded": sum(v.get("recorded", 0) for _, v in rows),
                    "accounted": sum(1 for _, v in rows if v.get("every_event_accounted")),
                    "checked_ok": sum(1 for _, v in rows if v.get("book_equals_truth")),
                    "check": "book equal to /sim/truth"}
                continue
            ok_key = {"trade": "ids_consistent", "aggTrade": "ids_consistent",
                      "kline_1m": "klines_consistent"}.get(channel)
            table[channel] = {
                "symbols": len(rows), "sent": sum(v["sent"] for _, v in rows),
                "recorded": sum(v["recorded"] for _, v in rows),
                "rest": sum(v.get("rest", 0) for _, v in rows),
                "accounted": sum(1 for _, v in rows if v["accounted"]),
                "checked_ok": sum(1 for _, v in rows if (v.get(ok_key) if ok_key else
                                                         v.get("tickers_mismatched", 0) == 0)),
                "check": {"trade": "ids consecutive or gap marked",
                          "aggTrade": "ids consecutive or gap marked",
                          "kline_1m": "closed klines equal the trades",
                          "bookTicker": "tickers equal the book's top",
                          "markPrice": "-"}[channel]}
            if channel == "kline_1m":
                table[channel]["closed_klines_verified"] = sum(
                    v.get("klines_equal_trades", 0) for _, v in rows)
        r["channels"] = table
        gaps = {ch: sum(1 for b in self.gapped if per_book[b][ch].get("gaps_as_injected"))
                for ch in ("trade", "aggTrade")}
        others_ok = all(v[ch].get("gaps_as_injected") for b, v in per_book.items()
                        if b not in self.gapped for ch in ("trade", "aggTrade"))
        rest = [st.get("limits", {}).get("rest", {}) for st in self.sim_stats.values()]
        streams = self.metrics.get("streams", [])
        r["figures"] = {
            "symbols": len(self.books),
            "run_s": round(self.end - self.rec.started, 1),
            "all_synced_s": round(self.synced_at - self.rec.started, 1) if self.synced_at else None,
            "trade_gaps_injected": len(self.gapped),
            "trade_gaps_marked": gaps["trade"], "agg_trade_gaps_marked_and_filled": gaps["aggTrade"],
            "http_429_418_sim": sum(x.get("rejected_429", 0) + x.get("rejected_418", 0)
                                    for x in rest),
            "http_429_418_depthrec": sum(s["snapshots"].get("rate_limited", 0) +
                                         s["snapshots"].get("banned", 0) for s in streams),
            "whole_replay_exit": self.whole.get("exit_code"),
            "recorder_exit": self.rec_exit,
            "caught_up_before_stop": self.caught_up,
            "verify_s": round(self.verify_s, 1),
        }
        f = r["figures"]
        checks = r["checks"]
        checks["every_book_synced"] = self.synced_at is not None
        checks["every_event_recorded_or_in_marked_gap"] = all(
            row["accounted"] == row["symbols"] for row in table.values())
        checks["every_check_per_channel"] = all(
            row["checked_ok"] == row["symbols"] for row in table.values())
        # Two minutes close at least one candle of every symbol.
        checks["closed_klines_verified"] = self.args.minutes < 2 or all(
            v["kline_1m"].get("klines_equal_trades", 0) > 0 for v in per_book.values())
        checks["every_injected_gap_marked_and_filled"] = \
            gaps["trade"] == gaps["aggTrade"] == len(self.gapped) > 0 and others_ok
        checks["replay_exit_0_per_symbol"] = all(v["replay_exit"] == 0 for v in per_book.values())
        checks["replay_exit_0_whole_recording"] = f["whole_replay_exit"] == 0
        checks["zero_429_418"] = f["http_429_418_sim"] + f["http_429_418_depthrec"] == 0
        checks["recorder_exit_0"] = self.rec_exit == 0
        r["failing_symbols"] = {
            f"{m}:{s}": v for (m, s), v in per_book.items()
            if not all(c.get("accounted", c.get("every_event_accounted", True)) and
                       c.get("ids_consistent", True) and c.get("klines_consistent", True) and
                       c.get("book_equals_truth", True) and c.get("tickers_mismatched", 0) == 0
                       for c in v.values() if isinstance(c, dict)) or v["replay_exit"] != 0}

    def report(self):
        r, f = self.result, self.result["figures"]
        print(f"\nall channels, commit {r['commit']}: {f['symbols']} symbols ({self.args.usdm} "
              f"usdm + {self.args.spot} spot), run {f['run_s']} s, every book synced after "
              f"{f['all_synced_s']} s")
        print(f"  {'channel':<11} {'symbols':>7} {'sent':>10} {'recorded':>10} {'rest':>6} "
              f"{'accounted':>9} {'check ok':>8}  check")
        for channel, row in r["channels"].items():
            print(f"  {channel:<11} {row['symbols']:>7} {row['sent']:>10} {row['recorded']:>10} "
                  f"{row.get('rest', 0):>6} {row['accounted']:>9} {row['checked_ok']:>8}  "
                  f"{row['check']}")
        if "closed_klines_verified" in r["channels"].get("kline_1m", {}):
            print(f"  closed klines equal to the recorded trades: "
                  f"{r['channels']['kline_1m']['closed_klines_verified']}")
        print(f"  trade-id gaps injected {f['trade_gaps_injected']}: marked on trade "
              f"{f['trade_gaps_marked']}, marked and filled from REST on aggTrade "
              f"{f['agg_trade_gaps_marked_and_filled']}")
        print(f"  HTTP 429/418: depthsim {f['http_429_418_sim']}, depthrec "
              f"{f['http_429_418_depthrec']}; depthrec-replay on the whole recording: exit "
              f"{f['whole_replay_exit']}; recorder exit {f['recorder_exit']}")
        failing = [k for k, v in r["checks"].items() if not v]
        for name, value in r["checks"].items():
            print(f"  {name:<46} {'met' if value else 'MISSED'}")
        if r["failing_symbols"]:
            print("  failing symbols: " + json.dumps(dict(list(
                r["failing_symbols"].items())[:5]))[:2000])
        print("PASS" if not failing else "FAIL: " + ", ".join(failing))
        return not failing


def main():
    args = parse_args()
    workdir = args.work_dir or tempfile.mkdtemp(prefix="all-channels-")
    os.makedirs(workdir, exist_ok=True)
    run = Run(args, workdir)
    ok = False
    try:
        run.start()
        print(f"depthsim ports {run.sim.ports}; depthrec pid {run.rec.proc.pid} recording "
              f"{len(run.books)} symbols for {args.minutes} min; work dir {workdir}", flush=True)
        run.run()
        run.pause_and_stop()
        run.verify()
        run.figures()
        ok = run.report()
    except Exception as error:  # noqa: BLE001: said, recorded, and the run fails
        run.result["error"] = repr(error)
        print(f"FAIL: {error!r}", flush=True)
    finally:
        stop_both(run.rec, run.sim)
    return write_result(run.result, args.out, BENCH_DIR, "all-channels", ok, workdir, args.work_dir)


if __name__ == "__main__":
    sys.exit(main())
