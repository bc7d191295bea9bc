#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each one for a while,
# starting from a fresh copy of its seed corpus (tests/fuzz/corpus) so the repository stays clean.
#   tools/fuzz.sh                     every target for 20 s (what CI runs)
#   tools/fuzz.sh 3600                every target for an hour
#   tools/fuzz.sh 60 fuzz_book_sync   only the named targets
# Exits non-zero if any target crashes, leaks, times out or runs out of memory; the input that did
# it is kept under build-fuzz/fuzz-artifacts/<target>/ and its path is printed. Installs nothing:
# tools/setup.sh installs clang and libclang-rt-14-dev. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_PER_TARGET=${1:-20}
shift $(($# > 0 ? 1 : 0))
ALL_TARGETS=(fuzz_frame_parser fuzz_snapshot_parser fuzz_book_sync fuzz_replay_reader fuzz_stream_segment
  fuzz_cli_options fuzz_decimal fuzz_metrics_check fuzz_exchange_info fuzz_subscription_plan)
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=("${ALL_TARGETS[@]}")
if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || ((SECONDS_PER_TARGET < 1)); then
  echo "usage: tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi

BUILD_DIR=${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
JOBS=${FUZZ_BUILD_JOBS:-2}
command -v clang++ >/dev/null || { echo "fuzz: clang++ not found (run tools/setup.sh)" >&2; exit 2; }

start=$SECONDS
echo "fuzz: building ${TARGETS[*]} in $BUILD_DIR"
mkdir -p "$BUILD_DIR"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DDEPTHREC_BUILD_FUZZ=ON \
  -DDEPTHREC_BUILD_TESTS=OFF -DDEPTHREC_BUILD_BENCH=OFF -DDEPTHREC_SANITIZE=address,undefined \
  >"$BUILD_DIR/fuzz-configure.log" 2>&1 || { cat "$BUILD_DIR/fuzz-configure.log" >&2; exit 2; }
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${TARGETS[@]}" >"$BUILD_DIR/fuzz-build.log" 2>&1 ||
  { tail -n 60 "$BUILD_DIR/fuzz-build.log" >&2; exit 2; }
echo "fuzz: built in $((SECONDS - start)) s"

WORK=$(mktemp -d /tmp/depthrec-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

dictionary_of() {
  case $1 in
    fuzz_frame_parser | fuzz_snapshot_parser | fuzz_replay_reader) echo "$ROOT/tests/fuzz/json.dict" ;;
    fuzz_cli_options) echo "$ROOT/tests/fuzz/cli.dict" ;;
    fuzz_exchange_info) echo "$ROOT/tests/fuzz/exchange_info.dict" ;;
  esac
}

failed=()
for target in "${TARGETS[@]}"; do
  name=${target#fuzz_}
  corpus=$WORK/$name
  mkdir -p "$corpus"
  [ -d "$ROOT/tests/fuzz/corpus/$name" ] && cp -r "$ROOT/tests/fuzz/corpus/$name/." "$corpus/"
  artifacts=$BUILD_DIR/fuzz-artifacts/$target
  mkdir -p "$artifacts"
  log=$WORK/$target.log
  options=(-max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 -timeout=10
    -print_final_stats=1 -artifact_prefix="$artifacts/")
  dict=$(dictionary_of "$target")
  [ -n "$dict" ] && options+=(-dict="$dict")

  rc=0
  "$BUILD_DIR/fuzz/$target" "${options[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # "Test unit written to <path>": the crash-, leak-, timeout- or oom- input libFuzzer saved.
  inputs=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
  found=$(printf '%s' "$inputs" | grep -c . || true)
  if ((rc != 0)) && ((found == 0)); then found=1; fi
  echo "fuzz: $target: ${execs:-0} execs in $SECONDS_PER_TARGET s (${rate:-0} exec/s)," \
    "$found crash$( ((found == 1)) || echo es), corpus $(find "$corpus" -type f | wc -l) files"
  if ((found > 0)); then
    failed+=("$target")
    cp "$log" "$artifacts/last-run.log"
    grep -E -A 30 "ERROR: |runtime error|fuzz invariant violated|Deadly signal" "$log" | head -n 60 >&2 || true
    if [ -n "$inputs" ]; then
      while IFS= read -r input; do
        echo "fuzz: $target: input saved at $input (reproduce: $BUILD_DIR/fuzz/$target $input)" >&2
      done <<<"$inputs"
    else
      echo "fuzz: $target: exit code $rc; full log: $artifacts/last-run.log" >&2
    fi
  fi
done

echo "fuzz: total $((SECONDS - start)) s (build + ${#TARGETS[@]} targets x $SECONDS_PER_TARGET s)"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: OK"
