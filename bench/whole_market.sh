#!/usr/bin/env bash
# The whole-market benchmark, one command (issue 12): depthsim with 500 USD-M and 1,000 spot
# symbols over TLS at 20,000 depth events/s, one depthrec recording all of them for 10 minutes,
# then every book verified from the outside (bench/README.md, "Whole market").
#   bash bench/whole_market.sh [--minutes 10] [--usdm 500] [--spot 1000] [--total-rate 20000]
#       [--snapshot-limit 500] [--gap-symbols N] [--drop-connection] [--listing]
#       [--build-dir DIR] [--work-dir DIR] [--out FILE.json]
# Builds depthsim, depthrec and depthrec-replay in the build dir (default build/) if missing.
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
for target in depthsim depthrec depthrec-replay; do
  [[ -x "$BUILD_DIR/$target" ]] || missing+=("$target")
done
if ((${#missing[@]})); then
  echo "building ${missing[*]} in $BUILD_DIR" >&2
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j2 --target "${missing[@]}"
fi

exec /usr/bin/python3 "$ROOT/bench/whole_market.py" --build-dir "$BUILD_DIR" "${args[@]}"
