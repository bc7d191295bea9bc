"""Do two depthrec builds write the same metrics.json? The final metrics.json of same_records.py's
deterministic run (seeded depthsim, a fixed number of events per stream, two markets), recorded
--a-runs times with build A and once with build B. Every member path and value type must be the
same in all; a value that differs between A's runs depends on when it ran (a latency, a rate, a
time, a queue's peak) and is left out; every other value must be equal in A and B.
  python3 bench/same_metrics.py --build-dir-a DIR --build-dir-b DIR [--a-runs 3] [--events 400]
Exit 0 when the documents agree. Every process is stopped by its pid.
"""

import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from same_records import record_once, two_builds_parser  # noqa: E402


# Figures of when the run happened, by name, beside those A's runs show: latencies, rates, times,
# clock offsets, queue peaks (how far the writer fell behind at one moment).
TIMED = re.compile(r"latency|_ms\b|_ns\b|_us\b|rate\b|seconds|timestamp|clock|log_queue\.depth"
                   r"|queue_bytes_max|peak_bytes")


def flatten(value, path="", out=None):
    """{path: value} of every leaf, in document order; arrays of objects keyed by position."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            flatten(item, f"{path}[{i}]", out)
    else:
        out[path] = value
    return out


def kind(value):
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    return "number" if isinstance(value, (int, float)) else type(value).__name__


def final_metrics(build_dir, events, rate):
    with tempfile.TemporaryDirectory(prefix="depthrec-same-metrics-") as workdir:
        record_once(build_dir, workdir, events, rate)
        with open(os.path.join(workdir, "data", "metrics.json")) as f:
            return json.load(f)


def main():
    p = two_builds_parser(__doc__)
    p.add_argument("--a-runs", type=int, default=3, help="runs of build A (at least 2)")
    a = p.parse_args()
    runs = [flatten(final_metrics(d, a.events, a.rate))
            for d in [a.build_dir_a] * max(2, a.a_runs) + [a.build_dir_b]]
    first, others_a, other = runs[0], runs[1:-1], runs[-1]
    ok = True
    for name, doc in [(f"A run {i + 2}", d) for i, d in enumerate(others_a)] + [("B", other)]:
        if list(doc) != list(first):
            ok = False
            missing = [k for k in first if k not in doc]
            extra = [k for k in doc if k not in first]
            print(f"{name}: members differ from A's (missing {missing[:5]}, extra {extra[:5]})")
        kinds = [k for k in first if k in doc and kind(doc[k]) != kind(first[k])]
        if kinds:
            ok = False
            print(f"{name}: value types differ from A's at {kinds[:5]}")
    timed = {k for k in first if TIMED.search(k) or any(d.get(k) != first[k] for d in others_a)}
    compared = [k for k in first if k not in timed]
    differ = [k for k in compared if k in other and other[k] != first[k]]
    print(f"{len(first)} members; {len(timed)} depend on the run's timing (by name, or A's runs differ); "
          f"{len(compared)} compared A with B: {len(differ)} differ")
    for k in differ[:20]:
        print(f"  {k}: {first[k]!r} (A) / {other[k]!r} (B)")
    ok = ok and not differ
    print("metrics.json agrees" if ok else "metrics.json DIFFERS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
