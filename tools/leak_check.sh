#!/usr/bin/env bash
# A whole record-and-stop run of depthrec under valgrind memcheck, against depthsim on loopback:
# connect, REST snapshot, sync, record, --run-minutes expiry, drain and shutdown. Fails on any
# memory error (invalid read/write, uninitialised value, bad free) or definite/indirect leak, and
# if the run did not record anything (a leak check of a run that never connected proves little).
#   tools/leak_check.sh                  wss + https, as against Binance (default)
#   tools/leak_check.sh --plain          ws + http (faster)
#   BUILD_DIR=build-x tools/leak_check.sh  binaries from another build (default build/)
# Needs valgrind (tools/setup.sh installs it) and a built depthrec + depthsim.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
RUN_MINUTES=${LEAK_CHECK_RUN_MINUTES:-0.1}
TLS=1
[ "${1:-}" = "--plain" ] && TLS=0

for tool in depthrec depthsim; do
  [ -x "$BUILD_DIR/$tool" ] || { echo "leak_check: $BUILD_DIR/$tool is not built" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "leak_check: valgrind not found (run tools/setup.sh)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/depthrec-leak.XXXXXX)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

sim_args=(--port 0 --port-file "$WORK/port" --market usdm --symbols BTCUSDT --rate 200)
if ((TLS)); then sim_args+=(--cert-out "$WORK/ca.pem"); else sim_args+=(--no-tls); fi
"$BUILD_DIR/depthsim" "${sim_args[@]}" >"$WORK/depthsim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 200); do  # up to 20 s: the port file is written once the simulator listens
  [ -s "$WORK/port" ] && [ "$(tail -c 1 "$WORK/port")" = "" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$WORK/depthsim.log" >&2; exit 2; }
  sleep 0.1
done
port=$(tr -d '\n' <"$WORK/port" 2>/dev/null || true)
[ -n "$port" ] || { echo "leak_check: depthsim did not start" >&2; cat "$WORK/depthsim.log" >&2; exit 2; }

if ((TLS)); then
  endpoints=(--endpoint "wss://127.0.0.1:$port" --rest-endpoint "https://127.0.0.1:$port"
    --ca-file "$WORK/ca.pem")
else
  endpoints=(--endpoint "ws://127.0.0.1:$port" --rest-endpoint "http://127.0.0.1:$port")
fi
echo "leak_check: depthrec under valgrind, $RUN_MINUTES min against depthsim on port $port" \
  "($( ((TLS)) && echo wss || echo ws))"
rc=0
valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=3 --num-callers=30 \
  --log-file="$WORK/valgrind.log" \
  "$BUILD_DIR/depthrec" --symbol BTCUSDT --depth full --run-minutes "$RUN_MINUTES" \
  --print-interval 1 --no-summary --data-dir "$WORK/data" --log-dir "$WORK/logs" \
  "${endpoints[@]}" >"$WORK/depthrec.log" 2>&1 || rc=$?

messages=$(sed -n 's/.*"total_messages": *\([0-9]*\).*/\1/p' "$WORK/data/metrics.json" 2>/dev/null |
  head -n 1)
if ((rc != 0)) || [ -s "$WORK/valgrind.log" ] || [ "${messages:-0}" -eq 0 ]; then
  echo "leak_check: FAILED (exit code $rc; 3 = valgrind found errors; ${messages:-0} events recorded)" >&2
  echo "--- valgrind" >&2
  cat "$WORK/valgrind.log" >&2
  echo "--- depthrec output" >&2
  tail -n 40 "$WORK/depthrec.log" >&2
  exit 1
fi
echo "leak_check: OK (no memory error, no definite or indirect leak; $messages events recorded)"
