#!/usr/bin/env bash
# End-to-end benchmark, one command: transport limit (bare client), depthrec's highest sustained
# rate over loopback TLS, and the Python reference, against depthsim. ~4 min; --quick ~30 s.
#   bash bench/run_e2e.sh [--quick] [--pin] [--no-python] [--no-node] [--build-dir DIR] [--out FILE.json]
# Builds depthsim, depthrec and depthrec-bare-client in the build dir (default build/) if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/build_missing.sh
source "$ROOT/bench/build_missing.sh"
build_missing_tools "$@" -- depthsim depthrec depthrec-bare-client

exec /usr/bin/python3 "$ROOT/bench/run_e2e.py" --build-dir "$BUILD_DIR" "$@"
