"""The verification of bench/all_channels.py: what one recording holds per market, stream and
record type (counted from the segments' gzip members), depthrec-replay's JSON report, and each
symbol's channels checked against depthsim's counts of what it sent and against that report."""

import collections
import json
import re
import subprocess
import zlib

import whole_market_verify as verify

DEPTH = "depth@100ms"
# Each channel: its stream suffix, its record type, depthsim's /sim/stats count of frames sent.
CHANNELS = {
    "trade": ("trade", "trade", "trade_events_sent"),
    "aggTrade": ("aggTrade", "aggTrade", "agg_trade_events_sent"),
    "kline_1m": ("kline_1m", "kline", "kline_events_sent"),
    "bookTicker": ("bookTicker", "ticker", "book_ticker_events_sent"),
    "markPrice": ("markPrice", "markPrice", "mark_price_events_sent"),
}
# What a record line starts with (docs/records.md): type, timestamp, symbol, market, stream.
RECORD_HEAD = re.compile(rb'\{"type":"(\w+)","timestamp":"[^"]*","symbol":"[^"]*",'
                         rb'"market":"(\w+)","stream":"([^"]*)"')


def channels_of(market):
    return [c for c in CHANNELS if c != "markPrice" or market != "spot"]


def stream_name(symbol, channel):
    return f"{symbol.lower()}@{CHANNELS[channel][0] if channel in CHANNELS else channel}"


def count_records(data_dir):
    """{(market, stream): {type: n, "rest": n}}: every record of the recording, counted from the
    segments' gzip members (one stream's lines each). `rest`: trades recorded from REST."""
    counts = collections.defaultdict(collections.Counter)
    for segment in verify.segments(data_dir):
        with open(segment, "rb") as f:
            for _name, offset, size in verify.index_segment(segment):
                f.seek(offset)
                for line in zlib.decompress(f.read(size), 31).splitlines():
                    head = RECORD_HEAD.match(line)
                    if not head:
                        continue
                    kind, market, stream = (x.decode() for x in head.groups())
                    counts[(market, stream)][kind] += 1
                    if b'"source":"rest"' in line:
                        counts[(market, stream)]["rest"] += 1
    return counts


def replay_json(replay, paths, timeout=1800):
    result = subprocess.run([replay, "--json"] + paths, capture_output=True, text=True,
                            timeout=timeout)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {"stderr": result.stderr.strip()[-500:]}
    report["exit_code"] = result.returncode
    return report


def channel_checks(book, report, counts, sent, gapped):
    """Per channel of `book`: sent (depthsim's /sim/stats entry of the symbol, `sent`), recorded
    (`counts`, count_records), and what its replay `report` says; `gapped`: a trade gap was
    injected on it."""
    market, symbol = book
    trade_streams = {t["stream"]: t for t in report.get("trade_streams", [])}
    kline_checks = {k["stream"]: k for k in report.get("kline_trade_checks", [])}
    out = {}
    for channel in channels_of(market):
        stream = stream_name(symbol, channel)
        _, kind, sent_key = CHANNELS[channel]
        counted = counts.get((market, stream), {})
        c = {"sent": sent.get(sent_key, 0), "recorded": counted.get(kind, 0) -
             counted.get("rest", 0), "rest": counted.get("rest", 0)}
        t = trade_streams.get(stream)
        if t is not None:
            c.update({k: t.get(k, 0) for k in ("marked_gaps", "missing_ids", "unmarked_gaps",
                                               "out_of_order", "filled_gaps", "bad_repairs")})
        missing = c["sent"] - c["recorded"]
        marked = t is not None and t.get("marked_gaps", 0) > 0 and t.get("unmarked_gaps") == 0
        c["accounted"] = missing == 0 or (missing > 0 and marked)
        if channel in ("trade", "aggTrade"):
            c["ids_consistent"] = t is not None and t.get("unmarked_gaps") == 0 and \
                t.get("out_of_order") == 0 and t.get("bad_repairs") == 0
            # An injected gap: marked on both streams; the aggTrade one filled from REST
            # (Binance serves no trade ids without an API key: the trade gap stays marked).
            want_gaps = 1 if gapped else 0
            c["gaps_as_injected"] = t is not None and t.get("marked_gaps") == want_gaps and (
                channel == "trade" or t.get("filled_gaps") == want_gaps)
        if channel == "kline_1m":
            k = kline_checks.get(stream, {})
            c.update({"closed": k.get("closed", 0), "klines_equal_trades": k.get("verified", 0),
                      "klines_differing": k.get("mismatched", 0)})
            # Open times in order or each jump marked (the replay's continuity), and no
            # closed candle differing from its trades (a run under a minute may close none).
            c["klines_consistent"] = t is not None and t.get("unmarked_gaps") == 0 and \
                t.get("out_of_order") == 0 and k.get("mismatched", 0) == 0
        if channel == "bookTicker":
            c["tickers_mismatched"] = report.get("tickers", {}).get("mismatched", 0)
        out[channel] = c
    return out

# --- figures -----------------------------------------------------------------------------
