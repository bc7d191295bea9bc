#!/usr/bin/env bash
# The whole-market benchmark, one command (issue 12): depthsim with 500 USD-M and 1,000 spot
# symbols over TLS at 20,000 depth events/s, one depthrec recording all of them for 10 minutes,
# then every book verified from the outside (bench/README.md, "Whole market").
#   bash bench/whole_market.sh [--minutes 10] [--usdm 500] [--spot 1000] [--total-rate 20000]
#       [--snapshot-limit 500] [--gap-symbols N] [--drop-connection] [--listing]
#       [--perf-record SEC] [--build-dir DIR] [--work-dir DIR] [--out FILE.json]
# Builds depthsim, depthrec and depthrec-replay in the build dir (default build/) if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/build_missing.sh
source "$ROOT/bench/build_missing.sh"
build_missing_tools "$@" -- depthsim depthrec depthrec-replay

exec /usr/bin/python3 "$ROOT/bench/whole_market.py" --build-dir "$BUILD_DIR" "$@"
