#!/usr/bin/env bash
# Every channel of 200 symbols, one command (issue 13): depthsim with 100 USD-M and 100 spot
# symbols over TLS, one depthrec recording depth@100ms, bookTicker, trade, aggTrade, kline_1m and
# (USD-M) markPrice of all of them from a seed-003-shaped config with --repair-trades, trade-id
# gaps injected on a few symbols, then every channel of every symbol verified against depthsim's
# counts and depthrec-replay (bench/README.md, "All channels"). Says PASS or FAIL; exit 0 on PASS.
#   bash bench/all_channels.sh [--minutes 10] [--usdm 100] [--spot 100] [--total-rate 2000]
#       [--gap-symbols 4] [--plain] [--build-dir DIR] [--work-dir DIR] [--out FILE.json]
# Builds depthsim, depthrec and depthrec-replay in the build dir (default build/) if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/build_missing.sh
source "$ROOT/bench/build_missing.sh"
build_missing_tools "$@" -- depthsim depthrec depthrec-replay

exec /usr/bin/python3 "$ROOT/bench/all_channels.py" --build-dir "$BUILD_DIR" "$@"
