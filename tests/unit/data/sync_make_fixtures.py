#!/usr/bin/env python3
"""Writes the sync_* fixtures (depthrec NDJSON per docs/records.md, and one raw capture).

Run from anywhere: python3 tests/unit/data/sync_make_fixtures.py. The expected results are in
tests/unit/sync/replay_reader_test.cpp and replay_tool_test.cpp; change both together.
gzip output uses mtime 0 so the files are reproducible byte for byte.
"""
import gzip
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_NS = 1721347020000000000
STEP_NS = 10_000_000  # 10 ms between lines


class Recording:
    def __init__(self, market, symbol, stream):
        self.market, self.symbol, self.stream = market, symbol, stream
        self.conn_id = 1
        self.n = 0
        self.lines = []

    def _common(self, type_):
        recv_ns = BASE_NS + self.n * STEP_NS
        self.n += 1
        return {"type": type_, "symbol": self.symbol, "market": self.market,
                "stream": self.stream, "conn_id": self.conn_id, "recv_ns": recv_ns}

    def add(self, record):
        self.lines.append(json.dumps(record, separators=(",", ":")))

    def depth(self, U, u, pu, b=(), a=(), kind="diff"):
        r = self._common("depth")
        r["ts_recv"] = r["recv_ns"] / 1e6
        e_ms = r["recv_ns"] // 1_000_000 + 1500
        r.update({"E": e_ms, "T": e_ms if pu is not None else None, "U": U, "u": u, "pu": pu,
                  "latency_event_ms": -1500.0, "latency_pipeline_ms": 0.004, "kind": kind,
                  "b": [list(x) for x in b], "a": [list(x) for x in a]})
        self.add(r)

    def snapshot(self, last_update_id, bids, asks):
        r = self._common("snapshot")
        r.update({"lastUpdateId": last_update_id, "E": None, "T": None,
                  "bids": [list(x) for x in bids], "asks": [list(x) for x in asks]})
        self.add(r)

    def ticker(self, u, b, B, a, A):
        r = self._common("ticker")
        r.update({"u": u, "b": b, "B": B, "a": a, "A": A, "E": None, "T": None})
        self.add(r)

    def gap(self, reason, last_u=None, expected=None, got_U=None, got_pu=None, got_u=None):
        r = self._common("gap")
        r.update({"reason": reason, "last_u": last_u, "expected": expected, "got_U": got_U,
                  "got_pu": got_pu, "got_u": got_u, "dropped": 0})
        self.add(r)

    def resync(self, reason, last_update_id, first_U, first_u, dropped_stale):
        r = self._common("resync")
        r.update({"reason": reason, "lastUpdateId": last_update_id, "first_U": first_U,
                  "first_u": first_u, "dropped_stale": dropped_stale, "duration_ms": 30.0})
        self.add(r)

    def connect(self):
        r = self._common("connect")
        r["url"] = "wss://fstream.binance.com/public/stream?streams=" + self.stream
        self.add(r)

    def disconnect(self, reason, code):
        r = self._common("disconnect")
        r.update({"reason": reason, "code": code})
        self.add(r)

    def text(self):
        return "".join(line + "\n" for line in self.lines)


def write_text(name, text):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(text)


def gzip_members(texts):
    """Each text as its own gzip member, concatenated (what depthrec's flushes produce)."""
    out = b""
    for text in texts:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as z:
            z.write(text.encode())
        out += buf.getvalue()
    return out


def write_gzip(name, texts):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(gzip_members(texts))


def usdm_with_gap(marked, second_snapshot=True):
    """A futures recording with one pu break; `marked`: the gap and resync records are present;
    `second_snapshot`: the snapshot that resyncs after the break is recorded."""
    r = Recording("usdm", "BTCUSDT", "btcusdt@depth@0ms")
    r.connect()
    r.depth(100, 110, 90, b=[("100.0", "1.000")], a=[("101.0", "2.000")])   # stale at the snapshot
    r.depth(111, 120, 110, b=[("100.5", "1.500")])
    r.snapshot(115, bids=[("100.0", "3.000"), ("99.0", "1.000")],
               asks=[("101.0", "2.000"), ("102.0", "5.000")])
    if marked:
        r.resync("initial", 115, 111, 120, 1)
    r.ticker(120, "100.5", "1.5", "101", "2")                             # matches
    r.depth(121, 130, 120, a=[("101.0", "0.000")])
    r.ticker(130, "100.5", "1.5", "102", "5")                             # matches
    r.ticker(125, "100.5", "1.5", "101", "2")                             # no event u=125
    r.depth(140, 150, 135, b=[("100.6", "9.000")])                        # pu break
    if marked:
        r.gap("pu_mismatch", last_u=130, expected=130, got_U=140, got_pu=135, got_u=150)
    r.depth(151, 160, 150, b=[("100.6", "1.000")])
    if second_snapshot:
        r.snapshot(155, bids=[("100.6", "1.000"), ("100.0", "3.000")], asks=[("102.0", "5.000")])
    if marked:
        r.resync("pu_mismatch", 155, 151, 160, 1)
    r.depth(161, 170, 160, b=[("100.7", "2.000")])
    r.ticker(170, "100.7", "2", "102", "5")                               # matches
    r.disconnect("stop", 1000)
    return r


def spot_reconnect(mismatch):
    r = Recording("spot", "ETHBTC", "ethbtc@depth@100ms")
    r.connect()
    r.depth(1001, 1005, None, b=[("0.05000", "1.0")])
    r.snapshot(1003, bids=[("0.05000", "2.0")], asks=[("0.05100", "1.0")])
    r.resync("initial", 1003, 1001, 1005, 0)
    r.depth(1006, 1010, None, a=[("0.05100", "3.0")])
    r.ticker(1010, "0.05", "1", "0.051", "3")                             # matches
    r.disconnect("timeout", None)
    r.gap("reconnect", last_u=1010)
    r.conn_id = 2
    r.connect()
    r.depth(1020, 1025, None, b=[("0.04900", "4.0")])                     # u_gap, expected 1011
    r.snapshot(1022, bids=[("0.05000", "1.0"), ("0.04900", "4.0")], asks=[("0.05100", "3.0")])
    r.resync("reconnect", 1022, 1020, 1025, 0)
    r.depth(1026, 1030, None, a=[("0.05200", "1.0")])
    r.ticker(1030, "0.05", "1", "0.051", "2.5" if mismatch else "3")
    return r


def usdm_partial_with_gap():
    """Futures partial depth (btcusdt@depth5): a pu break marked by a gap record only."""
    r = Recording("usdm", "BTCUSDT", "btcusdt@depth5@100ms")
    r.connect()
    r.depth(100, 110, 90, b=[("100.0", "1.000")], a=[("101.0", "1.000")], kind="partial")
    r.depth(111, 120, 110, b=[("100.1", "1.000")], a=[("101.0", "2.000")], kind="partial")
    r.ticker(120, "100.1", "1", "101", "2")                               # matches
    r.depth(131, 140, 125, b=[("100.2", "1.000")], a=[("101.1", "1.000")], kind="partial")
    r.gap("pu_mismatch", last_u=120, expected=120, got_U=131, got_pu=125, got_u=140)
    r.depth(141, 150, 140, b=[("100.3", "1.000")], a=[("101.2", "1.000")], kind="partial")
    return r


def bad_lines():
    good = Recording("usdm", "BTCUSDT", "btcusdt@depth@0ms")
    good.depth(100, 110, 90, b=[("100.0", "1.000")])                        # line 1: good
    lines = [good.lines[0],
             "hello world",                                                 # 2: neither format
             '{"type":"depth"',                                             # 3: invalid JSON
             '{"type":"depth","recv_ns":1721347020000000000,"U":1,"pu":null,"b":[],"a":[]}',  # 4
             "[1,2]",                                                       # 5: not an object
             '{"type":"depth","recv_ns":1721347020000000000,"U":1,"u":2,"pu":0,'
             '"b":[["1e5","1"]],"a":[]}',                                   # 6: bad decimal
             '{"recv_ns":1721347020000000000}',                             # 7: no type
             "",                                                            # 8: blank
             '{"type":"ticker","symbol":"BTCUSDT","recv_ns":1721347020010000000,"u":110,'
             '"b":"100","B":"1","a":"101","A":"2"}',                        # 9: good ticker
             '1721347020020000000 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate"}}',  # 10
             "1721347020abc {}",                                            # 11: bad recv_ns
             '{"type":"depth","market":"forex","recv_ns":1,"U":1,"u":2,"pu":0,"b":[],"a":[]}',  # 12
             '{"type":"metrics","recv_ns":1721347020030000000}',            # 13: other, not bad
             '{"type":"snapshot","symbol":"BTCUSDT","recv_ns":1721347020040000000,'
             '"lastUpdateId":105,"E":null,"T":null,"bids":[["100.0","3"]],"asks":[]}']  # 14: good
    return "".join(line + "\n" for line in lines)


def segments():
    r = Recording("usdm", "BTCUSDT", "btcusdt@depth@0ms")
    r.connect()
    r.depth(100, 110, 90, b=[("100.0", "1.000")])
    r.depth(111, 120, 110, b=[("100.5", "1.500")], a=[("101.0", "1.000")])
    r.snapshot(115, bids=[("100.0", "3.000")], asks=[("101.0", "2.000")])
    r.resync("initial", 115, 111, 120, 1)
    first = r.text()
    r.lines = []
    r.depth(121, 130, 120, a=[("101.5", "1.000")])
    r.ticker(130, "100.5", "1.5", "101", "1")
    second_a = r.text()
    r.lines = []
    r.depth(131, 140, 130, b=[("100.8", "0.500")])
    second_b = r.text()
    r.lines = []
    r.depth(141, 150, 140, b=[("100.8", "0.000")])
    r.ticker(150, "100.5", "1.5", "101", "1")
    third = r.text()
    folder = os.path.join(HERE, "sync_segments")
    os.makedirs(folder, exist_ok=True)
    # Written in reverse so that directory order is not name order.
    with open(os.path.join(folder, "btcusdt_depth.20240719-000100Z.000003.ndjson.gz"), "wb") as f:
        f.write(gzip_members([third]))
    with open(os.path.join(folder, "btcusdt_depth.20240719-000000Z.000002.ndjson.gz"), "wb") as f:
        f.write(gzip_members([second_a, second_b]))
    with open(os.path.join(folder, "btcusdt_depth.20240718-235900Z.000001.ndjson.gz"), "wb") as f:
        f.write(gzip_members([first]))
    with open(os.path.join(folder, "metrics.json"), "w") as f:
        f.write('{"not":"a recording"}\n')


def spot_partial_raw():
    """Raw capture of a spot partial-depth stream plus bookTicker frames: no snapshot needed."""
    lines = []
    ns = BASE_NS

    def frame(stream, data):
        nonlocal ns
        lines.append(f"{ns} " + json.dumps({"stream": stream, "data": data}, separators=(",", ":")))
        ns += STEP_NS

    stream = "btcusdt@depth5@100ms"
    frame(stream, {"lastUpdateId": 500, "bids": [["61000.00", "1.0"], ["60999.00", "2.0"]],
                   "asks": [["61001.00", "0.5"]]})
    frame("btcusdt@bookTicker", {"u": 500, "s": "BTCUSDT", "b": "61000.00", "B": "1.0",
                                 "a": "61001.00", "A": "0.5"})
    frame(stream, {"lastUpdateId": 530, "bids": [["61002.00", "0.1"]],
                   "asks": [["61003.00", "0.2"], ["61004.00", "1.0"]]})
    frame("btcusdt@bookTicker", {"u": 530, "s": "BTCUSDT", "b": "61002.00", "B": "0.1",
                                 "a": "61003.00", "A": "0.2"})
    frame(stream, {"lastUpdateId": 520, "bids": [], "asks": []})            # older: stale
    frame("btcusdt@trade", {"e": "trade", "E": 1, "s": "BTCUSDT", "t": 1, "p": "61002.00",
                            "q": "0.1", "T": 1, "m": True, "M": True})
    return "".join(line + "\n" for line in lines)


def main():
    write_text("sync_usdm_marked_gap.ndjson", usdm_with_gap(marked=True).text())
    write_gzip("sync_usdm_unmarked_gap.ndjson.gz", [usdm_with_gap(marked=False).text()])
    write_text("sync_usdm_no_resync_snapshot.ndjson",
               usdm_with_gap(marked=True, second_snapshot=False).text())
    write_text("sync_usdm_partial_gap.ndjson", usdm_partial_with_gap().text())
    write_text("sync_spot_reconnect.ndjson", spot_reconnect(mismatch=False).text())
    write_text("sync_spot_ticker_mismatch.ndjson", spot_reconnect(mismatch=True).text())
    write_text("sync_bad_lines.ndjson", bad_lines())
    write_text("sync_spot_partial.raw", spot_partial_raw())
    segments()


if __name__ == "__main__":
    main()
