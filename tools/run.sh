#!/usr/bin/env bash
# Installs what is missing, builds, and runs the recorder.
#   tools/run.sh [depthrec flags]         records from a local depthsim (Binance-compatible simulator
#                                         on 127.0.0.1): no internet needed; default 1 minute, full book
#   tools/run.sh --live [depthrec flags]  records from Binance itself (depthrec's defaults)
#   BUILD_DIR=... tools/run.sh            another build dir (default build/)
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what it runs: depthrec and depthsim (138 of the build's 320 compiles; no tests, no
# benchmarks, no npm peer client), in the same build/ that tools/test.sh completes later.
BUILD_DIR=${BUILD_DIR:-build}
BUILD_DIR=$BUILD_DIR TARGETS="depthrec depthsim" bash tools/setup.sh

if [ "${1:-}" = "--live" ]; then
  shift
  exec "$BUILD_DIR/depthrec" "$@"
fi

work=$(mktemp -d /tmp/depthrec-run.XXXXXX)
"$BUILD_DIR/depthsim" --port 0 --port-file "$work/port" --cert-out "$work/ca.pem" \
  --market usdm --symbols BTCUSDT --rate 50 >"$work/depthsim.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
echo "run: depthsim (pid $sim_pid) listening on 127.0.0.1:$port; recording into data/ and logs/"
"$BUILD_DIR/depthrec" --symbol BTCUSDT --depth full --run-minutes 1 --print-interval 5 \
  --endpoint "wss://127.0.0.1:$port" --rest-endpoint "https://127.0.0.1:$port" \
  --ca-file "$work/ca.pem" "$@"
echo "run: done. Recording: data/order_book/*.ndjson.gz, metrics: data/order_book/metrics.json, log: logs/"
