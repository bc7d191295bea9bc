#!/usr/bin/env bash
# CI smoke run of the benchmarks (< 30 s): every depthrec-bench benchmark of the USD-M capture
# with a tiny minimum time, one replay of the hot-path driver, and 50 streams of the per-stream
# memory bench. Fails only when something does not run (a missing binary, a crash, a benchmark
# that reports an error), never on figures.
#   bash bench/smoke.sh [--build-dir DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build"
if [[ "${1:-}" == "--build-dir" && -n "${2:-}" ]]; then BUILD_DIR="$2"; fi

for target in depthrec-bench depthrec-hot-path depthrec-stream-memory; do
  if [[ ! -x "$BUILD_DIR/$target" ]]; then
    echo "smoke: missing $BUILD_DIR/$target (cmake --build $BUILD_DIR --target $target)" >&2
    exit 1
  fi
done

out="$(mktemp /tmp/depthrec-bench-smoke-XXXXXX.json)"
trap 'rm -f "$out"' EXIT
echo "smoke: depthrec-bench (usdm, min time 0.05 s)"
"$BUILD_DIR/depthrec-bench" --benchmark_filter='/usdm' --benchmark_min_time=0.05 \
  --benchmark_out="$out" --benchmark_out_format=json
if grep -q '"error_occurred": true' "$out"; then
  echo "smoke: a benchmark reported an error:" >&2
  grep -B3 '"error_message"' "$out" >&2
  exit 1
fi
if ! grep -q '"name": "hot_path/usdm"' "$out"; then
  echo "smoke: hot_path/usdm did not run" >&2
  exit 1
fi

echo "smoke: depthrec-hot-path (one replay of each path)"
"$BUILD_DIR/depthrec-hot-path" --iterations 1 --path steps
"$BUILD_DIR/depthrec-hot-path" --iterations 1 --path session --sink gzip
echo "smoke: depthrec-stream-memory (50 streams)"
"$BUILD_DIR/depthrec-stream-memory" --streams 50 --events 20
echo "smoke: OK"
