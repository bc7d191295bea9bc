"""Verification of a whole-market recording from the outside (bench/whole_market.py): each
(market, symbol) book is re-synced from the recorded lines by depthrec-replay, on its own, and
its book at depthsim's last update id compared with /sim/truth; the events it recorded are
compared with those depthsim DELIVERED to it (written to a socket, /sim/stats), sent (queued for a
connection) beside them: an event queued on a connection that died before writing it was never
the recorder's to record.

depthrec writes one file set for every stream, one gzip member per stream and flush, each
member's header naming its stream and giving its size (docs/records.md, "Files"). Here the
segments are indexed once (a header hop per member) and each stream's members are copied into a
file of its own, so that depthrec-replay runs once per stream on that stream alone (its
`--stream` would hop over every member of the whole run once per stream). A symbol recorded on
two markets (BTCUSDT on spot and on USD-M) has both books under one stream name: those members
are decompressed and their lines split by the records' `market`.
"""

import glob
import json
import os
import struct
import subprocess
import zlib

GZIP_MAGIC = b"\x1f\x8b\x08"
FEXTRA_FNAME = 0x0C
HEADER_FIXED = 10


def index_segment(path):
    """[(stream, offset, size)] of every member of a depthrec segment, hopping header to header.
    Raises ValueError naming the offset of bytes that are no member of the multi-stream layout."""
    members = []
    with open(path, "rb") as f:
        data_size = os.fstat(f.fileno()).st_size
        offset = 0
        while offset < data_size:
            f.seek(offset)
            head = f.read(HEADER_FIXED + 2 + 12 + 256)
            if head[:3] != GZIP_MAGIC or head[3] != FEXTRA_FNAME:
                raise ValueError(f"{path}: no stream member at offset {offset}")
            xlen = struct.unpack_from("<H", head, HEADER_FIXED)[0]
            extra = head[HEADER_FIXED + 2:HEADER_FIXED + 2 + xlen]
            if xlen != 12 or extra[:2] != b"DR":
                raise ValueError(f"{path}: member at offset {offset} has no DR subfield")
            size = struct.unpack_from("<I", extra, 4)[0]
            name_start = HEADER_FIXED + 2 + xlen
            name_end = head.find(b"\0", name_start)
            if size == 0 or name_end < 0:
                raise ValueError(f"{path}: unreadable member header at offset {offset}")
            if offset + size > data_size:
                break  # a last member cut short by a crash: everything before it is whole
            members.append((head[name_start:name_end].decode(), offset, size))
            offset += size
    return members


def segments(data_dir):
    return sorted(glob.glob(os.path.join(data_dir, "*.ndjson.gz")))


def split_streams(data_dir, out_dir, books):
    """Writes one file per book of `books` ({(market, symbol): [stream names]}) into out_dir;
    returns {(market, symbol): path}. Names shared by two books are split by `market`."""
    os.makedirs(out_dir, exist_ok=True)
    owners = {}  # stream name -> [(market, symbol)]
    for book, names in books.items():
        for name in names:
            owners.setdefault(name, []).append(book)
    paths = {}
    handles = {}

    def handle(book, shared):
        if book not in handles:
            suffix = ".ndjson" if shared else ".ndjson.gz"
            paths[book] = os.path.join(out_dir, f"{book[0]}_{book[1]}{suffix}")
            handles[book] = open(paths[book], "wb")
        return handles[book]

    shared_books = {b for bs in owners.values() if len(bs) > 1 for b in bs}
    try:
        for segment in segments(data_dir):
            members = index_segment(segment)
            with open(segment, "rb") as f:
                for name, offset, size in members:
                    wanted = owners.get(name)
                    if not wanted:
                        continue
                    f.seek(offset)
                    member = f.read(size)
                    if len(wanted) == 1 and wanted[0] not in shared_books:
                        handle(wanted[0], False).write(member)
                        continue
                    lines = zlib.decompress(member, 31).splitlines(keepends=True)
                    for book in wanted:
                        tag = b'"market":"' + book[0].encode() + b'"'
                        handle(book, True).write(b"".join(l for l in lines if tag in l))
                    for book in (b for b in wanted if b not in handles):
                        handle(book, True)
    finally:
        for h in handles.values():
            h.close()
    return paths


def stream_lines(data_dir, wanted):
    """Every record line of the streams named in `wanted` (a set), decompressed, in file order."""
    for segment in segments(data_dir):
        with open(segment, "rb") as f:
            for name, offset, size in index_segment(segment):
                if name in wanted:
                    f.seek(offset)
                    yield from zlib.decompress(f.read(size), 31).splitlines()


def unsubscribed_at(data_dir, market, names):
    """The receive time (ns) of the first UNSUBSCRIBE record (the `connections` stream) that names
    one of `names` on `market`; None if there is none."""
    for line in stream_lines(data_dir, {"connections"}):
        record = json.loads(line)
        if record.get("type") == "subscription" and record.get("action") == "unsubscribe" and \
                record.get("market") == market and names & set(record.get("streams", [])):
            return record["recv_ns"]
    return None


def records_after(data_dir, market, names, since_ns):
    """How many records of the streams `names` on `market` were received after `since_ns`."""
    if since_ns is None:
        return 0
    tag = b'"market":"' + market.encode() + b'"'
    return sum(1 for line in stream_lines(data_dir, names)
               if tag in line and json.loads(line).get("recv_ns", 0) > since_ns)


def canonical(decimal):
    if "." in decimal:
        decimal = decimal.rstrip("0").rstrip(".")
    return decimal


def side(levels):
    return {canonical(p): canonical(q) for p, q in levels}


def replay_book(replay_binary, path, last_update_id, timeout=600):
    """depthrec-replay --json on one book's file, its book printed at `last_update_id`."""
    result = subprocess.run([replay_binary, "--json", "--at", f"u:{last_update_id}", "--levels",
                             "5000", path], capture_output=True, text=True, timeout=timeout)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {}
    report["exit_code"] = result.returncode
    if not report.get("streams") and result.stderr:
        report["stderr"] = result.stderr.strip()[-500:]
    return report


def counts_by_book(sim_stats):
    """{(market, symbol): {"sent": n, "delivered": m}} over every connection of every market's
    /sim/stats ({market: stats}): depth events queued for the recorder's connections, and those
    written to their sockets."""
    counts = {}
    for market, stats in sim_stats.items():
        for conn in stats["connections"]:
            for symbol, progress in conn.get("depth", {}).items():
                book = counts.setdefault((market, symbol), {"sent": 0, "delivered": 0})
                book["sent"] += progress["events"]
                book["delivered"] += progress["delivered"]
    return counts


def verify_book(replay_binary, path, truth, counts):
    """What the replay of one book says, against depthsim's truth and its counts of events sent
    and delivered (counts_by_book)."""
    sent, delivered = counts["sent"], counts["delivered"]
    report = replay_book(replay_binary, path, truth["lastUpdateId"])
    at = report.get("at") or {}
    book_equal = bool(at.get("reached")) and side(at.get("bids", [])) == side(truth["bids"]) and \
        side(at.get("asks", [])) == side(truth["asks"])
    recorded = report.get("events", 0)
    breaks = report.get("breaks", 0)
    unmarked = report.get("unmarked_breaks", 0)
    # Every event delivered is recorded, or the events missing sit in a marked gap (a dropped
    # connection loses what the network held: delivered, never received, and the break is
    # marked). Events sent but not delivered never left depthsim.
    accounted = recorded == delivered or (recorded < delivered and breaks > 0 and unmarked == 0)
    return {
        "sent": sent,
        "delivered": delivered,
        "undelivered": sent - delivered,
        "recorded": recorded,
        "missing": delivered - recorded,
        "verified": report.get("verified", 0),
        "breaks": breaks,
        "unmarked_breaks": unmarked,
        "tickers_matched": report.get("tickers", {}).get("matched", 0),
        "tickers_mismatched": report.get("tickers", {}).get("mismatched", 0),
        "replay_exit": report["exit_code"],
        "replay_failure": report.get("verification_failure") or report.get("stderr"),
        "book_levels": len(at.get("bids", [])) + len(at.get("asks", [])),
        "truth_levels": len(truth["bids"]) + len(truth["asks"]),
        "book_equals_truth": book_equal,
        "every_event_accounted": accounted,
    }
