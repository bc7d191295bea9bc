#!/usr/bin/env python3
"""Checks a `depthrec-replay --plot` page against the recording it was made from.

usage: check_plot_html.py PAGE.html DATA_DIR

Independent of depthrec's code: the recording is read with Python's gzip and json, the page with
html.parser (every element closed, nothing fetched) and each inline <svg> with xml.etree.
Checks: the verdict says exit 0; one chart per stream that has depth events; every `gap` and
`resync` record of a stream (but a first sync, reason `initial`) is a marker of that stream's chart at the record's recv_ns, drawn at
the x its time gives on the chart's own axis. Prints what it checked; exits 1 on the first failure.
"""
import glob
import gzip
import html.parser
import json
import re
import sys
import xml.etree.ElementTree as ET

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "source", "wbr"}
SVG_NS = "{http://www.w3.org/2000/svg}"


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


class Structure(html.parser.HTMLParser):
    """Every element closed in order; no script, no external reference."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.in_svg = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            fail("the page has a <script>")
        for name, value in attrs:
            if name == "xmlns":  # a namespace name, never fetched
                continue
            if name in ("src", "href", "xlink:href") or (value and re.match(r"\s*(https?:)?//", value)):
                fail(f"<{tag}> refers to {name}={value!r}: the page must open offline")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            fail(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        self.stack.pop()


def read_recording(data_dir):
    depth_streams, markers = set(), []
    files = sorted(glob.glob(data_dir + "/*.ndjson.gz"))
    if not files:
        fail("no segment in " + data_dir)
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record["type"] == "depth":
                    depth_streams.add(record["stream"])
                elif record["type"] == "gap" or (record["type"] == "resync"
                                                 and record.get("reason") != "initial"):
                    kind = "writer_drop" if record.get("reason") == "writer_drop" else record["type"]
                    markers.append((record["stream"], kind, record["recv_ns"]))
    return depth_streams, markers


def main():
    page_path, data_dir = sys.argv[1], sys.argv[2]
    page = open(page_path, encoding="utf-8").read()
    if re.search(r"url\(|@import", page):
        fail("the style refers to an external resource")
    structure = Structure()
    structure.feed(page)
    structure.close()
    if structure.stack:
        fail("elements left open: " + " ".join(structure.stack))
    verdict = re.search(r'<p class="verdict [a-z]+" data-exit-code="(\d+)">', page)
    if not verdict or verdict.group(1) != "0":
        fail("the verdict is not exit 0: " + (verdict.group(0) if verdict else "no verdict"))

    charts = {}
    for text in re.findall(r"<svg\b.*?</svg>", page, re.S):
        svg = ET.fromstring(text)  # well-formed XML, or this raises
        charts[svg.get("data-stream")] = svg
    depth_streams, markers = read_recording(data_dir)
    missing = depth_streams - set(charts)
    if missing:
        fail("no chart for " + ", ".join(sorted(missing)))
    print(f"{len(charts)} charts, depth streams {sorted(depth_streams)}")

    # Markers of one kind in one time bucket are drawn once, at the first, with their count.
    expected = {}
    for stream, kind, recv_ns in markers:
        svg = charts.get(stream)
        if svg is None:
            fail(f"{kind} of {stream}: no chart")
        bucket = (recv_ns - int(svg.get("data-t0-ns"))) // int(svg.get("data-bucket-ns"))
        first, count = expected.get((stream, kind, bucket), (recv_ns, 0))
        expected[(stream, kind, bucket)] = (min(first, recv_ns), count + 1)
    drawn = set()
    for stream, svg in charts.items():
        for line in svg.iter(SVG_NS + "line"):
            if line.get("data-kind"):
                drawn.add((stream, line.get("data-kind"), int(line.get("data-t-ns")),
                           int(line.get("data-count")), float(line.get("x1"))))
    gaps = 0
    for (stream, kind, _), (recv_ns, count) in sorted(expected.items()):
        svg = charts[stream]
        t0, t1 = int(svg.get("data-t0-ns")), int(svg.get("data-t1-ns"))
        x0, x1 = float(svg.get("data-x0")), float(svg.get("data-x1"))
        expected_x = x0 + (recv_ns - t0) / (t1 - t0) * (x1 - x0)
        found = [d for d in drawn if d[:4] == (stream, kind, recv_ns, count)]
        if not found:
            fail(f"{count} {kind} of {stream} from recv_ns {recv_ns}: no marker")
        if abs(found[0][4] - expected_x) > 0.06:
            fail(f"{kind} of {stream}: drawn at x={found[0][4]}, its time gives {expected_x:.2f}")
        drawn.discard(found[0])
        gaps += kind == "gap"
        print(f"{count} {kind} of {stream} from {recv_ns}: marker at x={found[0][4]}")
    if drawn:
        fail("markers without a record: " + repr(sorted(drawn)))
    if gaps == 0:
        fail("the recording has no gap record: nothing was checked")
    for stream in depth_streams:
        paths = {p.get("class"): int(p.get("data-points"))
                 for p in charts[stream].iter(SVG_NS + "path")}
        if paths.get("series events", 0) == 0 or paths.get("series pipeline-p99", 0) == 0:
            fail(f"{stream}: empty series {paths}")
    print("OK")


if __name__ == "__main__":
    main()
