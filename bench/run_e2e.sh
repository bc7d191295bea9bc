#!/usr/bin/env bash
# End-to-end benchmark, one command: transport limit (bare client), depthrec's highest sustained
# rate over loopback TLS, and the Python reference, against depthsim. ~4 min; --quick ~30 s.
#   bash bench/run_e2e.sh [--quick] [--pin] [--no-python] [--no-node] [--build-dir DIR] [--out FILE.json]
# Builds depthsim, depthrec and depthrec-bare-client in the build dir (default build/) if missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "--build-dir" && $((i + 1)) -lt ${#args[@]} ]]; then
    BUILD_DIR="${args[$((i + 1))]}"
  fi
done

missing=()
for target in depthsim depthrec depthrec-bare-client; do
  [[ -x "$BUILD_DIR/$target" ]] || missing+=("$target")
done
if ((${#missing[@]})); then
  echo "building ${missing[*]} in $BUILD_DIR" >&2
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j2 --target "${missing[@]}"
fi

exec /usr/bin/python3 "$ROOT/bench/run_e2e.py" --build-dir "$BUILD_DIR" "${args[@]}"
