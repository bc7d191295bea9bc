#!/usr/bin/env python3
"""Writes cryptofeed_usdm_2sym.ws.gz and .rest: a cryptofeed raw capture (AsyncFileCallback) of one USD-M
connection carrying two symbols, and its companion file of REST replies, built from the two real
captures in /work/shared/data/real (hftbacktest `<recv_ns> <json>` lines).

  BTCUSDT  usdm_btcusdt_20240718.gz as recorded (frames byte for byte).
  ETHUSDT  spot_btcusdt_20240808.gz made into a second USD-M symbol: renamed, `pu` = U - 1 added
           (spot U == previous u + 1, so futures continuity `pu == previous u` holds exactly),
           `T` = E added, times shifted onto the BTCUSDT capture's; `@depth@100ms` becomes
           `@depth@0ms`. Its books, ids and bookTickers are real and unlike BTCUSDT's.

Only depth and bookTicker frames of the first WINDOW_S seconds are kept; the main file is gzipped
(mtime 0: reproducible byte for byte), the companion stays plain text as cryptofeed writes it. Line shapes, as
cryptofeed writes them (raw_data_collection.py):
  configuration: {...}
  <ws url> <-> <time()>
  <time()>: <frame>                         (main file)
  <rest url> -> <time()>: <body>            (companion file)
Also writes raw_usdm_us_head.raw: the USD-M capture's first US_HEAD_LINES lines with receive
times in microseconds, as older hftbacktest and collect-binancefutures captures have them.
Run from anywhere: python3 tests/unit/data/make_cryptofeed_fixture.py. The expected results are
in tests/unit/sync/replay_cryptofeed_test.cpp and tests/integration/replay_multi_symbol_test.cpp.
"""
import gzip
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "real")
WINDOW_S = 15
US_HEAD_LINES = 40
WS_URL = ("wss://fstream.binance.com/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker/"
          "ethusdt@depth@0ms/ethusdt@bookTicker")
REST_URL = "https://fapi.binance.com/fapi/v1/depth?symbol={}&limit=1000"


def read(name):
    with gzip.open(os.path.join(REAL, name), "rt") as f:
        for line in f:
            ns, text = line.rstrip("\n").split(" ", 1)
            yield int(ns), text


def seconds(ns):
    return repr(ns / 1e9)  # cryptofeed writes time() as Python prints a float


def keep(items):
    start = None
    for ns, text in items:
        start = ns if start is None else start
        if ns - start > WINDOW_S * 1_000_000_000:
            break
        if text.startswith('{"lastUpdateId"') or "@depth" in text or "@bookTicker" in text:
            yield ns, text


def eth_from_spot(text, shift_ms):
    data = json.loads(text)
    if "lastUpdateId" in data:
        return json.dumps({"lastUpdateId": data["lastUpdateId"], "E": 0, "T": 0,
                           "bids": data["bids"], "asks": data["asks"]}, separators=(",", ":"))
    stream = data["stream"].replace("btcusdt", "ethusdt").replace("@depth@100ms", "@depth@0ms")
    d = data["data"]
    out = {}
    for key, value in d.items():
        if key == "s":
            value = "ETHUSDT"
        if key == "E":
            value += shift_ms
        out[key] = value
        if key == "E" and d.get("e") == "depthUpdate":
            out["T"] = value
        if key == "u" and d.get("e") == "depthUpdate":
            out["pu"] = d["U"] - 1
    return json.dumps({"stream": stream, "data": out}, separators=(",", ":"))


def main():
    btc = list(keep(read("usdm_btcusdt_20240718.gz")))
    spot = list(keep(read("spot_btcusdt_20240808.gz")))
    shift_ns = btc[0][0] - spot[0][0] + 500_000  # ETHUSDT starts 0.5 ms after BTCUSDT
    eth = [(ns + shift_ns, eth_from_spot(text, shift_ns // 1_000_000)) for ns, text in spot]
    frames, rest = [], []
    for symbol, items in (("BTCUSDT", btc), ("ETHUSDT", eth)):
        for ns, text in items:
            if text.startswith('{"lastUpdateId"'):
                rest.append((ns, f"{REST_URL.format(symbol)} -> {seconds(ns)}: {text}"))
            else:
                frames.append((ns, f"{seconds(ns)}: {text}"))
    frames.sort(key=lambda item: item[0])
    first = frames[0][0] - 200_000_000
    ws = ['configuration: {"log": {"filename": "demo.log", "level": "WARNING"}}',
          f"{WS_URL} <-> {seconds(first)}"] + [line for _, line in frames]
    with open(os.path.join(HERE, "cryptofeed_usdm_2sym.ws.gz"), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(("\n".join(ws) + "\n").encode())
    with open(os.path.join(HERE, "cryptofeed_usdm_2sym.rest"), "w") as f:
        f.write("\n".join(line for _, line in sorted(rest)) + "\n")
    with open(os.path.join(HERE, "raw_usdm_us_head.raw"), "w") as f:
        for n, (ns, text) in enumerate(read("usdm_btcusdt_20240718.gz")):
            if n == US_HEAD_LINES:
                break
            f.write(f"{ns // 1000} {text}\n")


if __name__ == "__main__":
    main()
