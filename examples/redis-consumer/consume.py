#!/usr/bin/env python3
"""Rebuild a USD-M/COIN-M book from depthrec's Redis stream alone (Debian's python3-redis).
consume.py URL KEY [GROUP] [CONSUMER]   URL: redis://host:6379/0 or unix:///path/redis.sock
Joins a consumer group, takes over entries a dead consumer left pending (XAUTOCLAIM), starts at
the first `book` entry (--redis-book-every), applies depth events while pu == the last u, XACKs
each batch, and prints a JSON summary; exit 1 on a break no gap entry announced."""
import json, sys
from decimal import Decimal
import redis

url, key, group, me = (sys.argv[1:] + ["py-books", "py-1"][len(sys.argv) - 3:])[:4]
r = redis.Redis.from_url(url, decode_responses=True)
try:
    r.xgroup_create(key, group, id="0")
except redis.ResponseError as e:
    if "BUSYGROUP" not in str(e): sys.exit(f"consume.py: {e}")
book, last, entries, unmarked, marked = None, None, 0, 0, False
read = lambda: sum((e for _, e in r.xreadgroup(group, me, {key: ">"}, count=500)), [])
batch = r.xautoclaim(key, group, me, min_idle_time=0, start_id="0-0", count=100000)[1] or read()
while batch:
    for entry_id, f in batch:
        entries, kind = entries + 1, f.get("type")
        if kind == "gap": marked = True
        if kind not in ("book", "depth") or (book is None and kind == "depth"): continue
        rec = json.loads(f["data"])
        if kind == "book":
            if book is None: book, last = {s: {Decimal(p): q for p, q in rec[s]} for s in ("bids", "asks")}, rec["lastUpdateId"]
        elif rec["u"] > last and rec["pu"] != last:  # a break: wait for the next book entry
            unmarked, book, marked = unmarked + (not marked), None, False
        elif rec["u"] > last:
            for side, levels in (("bids", rec["b"]), ("asks", rec["a"])):
                for p, q in levels:
                    if Decimal(q) == 0: book[side].pop(Decimal(p), None)
                    else: book[side][Decimal(p)] = q
            last, marked = rec["u"], False
    r.xack(key, group, *[entry_id for entry_id, _ in batch])
    batch = read()
best = lambda side, pick: [str(pick(book[side])), book[side][pick(book[side])]] if book and book[side] else None
print(json.dumps({"key": key, "entries": entries, "unmarked_breaks": unmarked, "synced": book is not None,
                  "last_update_id": last, "best_bid": best("bids", max), "best_ask": best("asks", min)}))
sys.exit(1 if unmarked else 0)
