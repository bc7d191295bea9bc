# shellcheck shell=bash
# Sourced by the bench drivers (run_e2e.sh, whole_market.sh): the build dir named by --build-dir
# in "$@" (default build/), and the tools a bench needs built there if they are missing.
#   source bench/build_missing.sh; build_missing_tools "$@" -- depthsim depthrec
# Sets BUILD_DIR. Configures a Release build when the dir has no CMake cache yet.
build_missing_tools() {
  local root args=() targets=() missing=() i
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  while (($#)) && [[ "$1" != "--" ]]; do
    args+=("$1")
    shift
  done
  (($#)) && shift
  targets=("$@")
  BUILD_DIR="$root/build"
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[$i]}" == "--build-dir" && $((i + 1)) -lt ${#args[@]} ]]; then
      BUILD_DIR="${args[$((i + 1))]}"
    fi
  done
  for target in "${targets[@]}"; do
    [[ -x "$BUILD_DIR/$target" ]] || missing+=("$target")
  done
  if ((${#missing[@]})); then
    echo "building ${missing[*]} in $BUILD_DIR" >&2
    if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
      cmake -S "$root" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    fi
    cmake --build "$BUILD_DIR" -j2 --target "${missing[@]}"
  fi
}
