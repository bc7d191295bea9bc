#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz and runs each one for a while,
# starting from a fresh copy of its seed corpus (tests/fuzz/corpus) so the repository stays clean.
#   tools/fuzz.sh                     every target for 20 s (CI runs tools/fuzz.sh 10)
#   tools/fuzz.sh 3600                every target for an hour
#   tools/fuzz.sh 60 fuzz_book_sync   only the named targets
# Exits non-zero if any target crashes, leaks, times out or runs out of memory; the input that did
# it is kept under build-fuzz/fuzz-artifacts/<target>/ and its path is printed. Targets run
# FUZZ_RUN_JOBS at a time (default 2: one per core), each for the whole time given. Installs nothing:
# tools/setup.sh installs clang and libclang-rt-14-dev. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SECONDS_PER_TARGET=${1:-20}
shift $(($# > 0 ? 1 : 0))
ALL_TARGETS=(fuzz_frame_parser fuzz_snapshot_parser fuzz_book_sync fuzz_replay_reader fuzz_stream_segment
  fuzz_cli_options fuzz_decimal fuzz_metrics_check fuzz_exchange_info fuzz_subscription_plan fuzz_config
  fuzz_trade_parser fuzz_metrics_listen fuzz_redis_url fuzz_kline_parser fuzz_redis_entry
  fuzz_agg_trades_answer fuzz_parquet_checkpoint fuzz_repair_hold)
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
    fuzz_frame_parser | fuzz_snapshot_parser | fuzz_replay_reader | fuzz_kline_parser | fuzz_agg_trades_answer) echo "$ROOT/tests/fuzz/json.dict" ;;
    fuzz_cli_options) echo "$ROOT/tests/fuzz/cli.dict" ;;
    fuzz_config) echo "$ROOT/tests/fuzz/config.dict" ;;
    fuzz_exchange_info) echo "$ROOT/tests/fuzz/exchange_info.dict" ;;
  esac
}

# One target's run: its summary line goes to $WORK/<target>.summary, and $WORK/<target>.failed
# exists if it found something (the details are printed on stderr at the end, in target order).
fuzz_target() {
  local target=$1
  local name=${target#fuzz_}
  local corpus=$WORK/$name
  mkdir -p "$corpus"
  [ -d "$ROOT/tests/fuzz/corpus/$name" ] && cp -r "$ROOT/tests/fuzz/corpus/$name/." "$corpus/"
  local artifacts=$BUILD_DIR/fuzz-artifacts/$target
  mkdir -p "$artifacts"
  local log=$WORK/$target.log
  local options=(-max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -rss_limit_mb=2048 -timeout=10
    -print_final_stats=1 -artifact_prefix="$artifacts/")
  local dict
  dict=$(dictionary_of "$target")
  [ -n "$dict" ] && options+=(-dict="$dict")

  local rc=0
  "$BUILD_DIR/fuzz/$target" "${options[@]}" "$corpus" >"$log" 2>&1 || rc=$?
  local execs rate inputs found
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # "Test unit written to <path>": the crash-, leak-, timeout- or oom- input libFuzzer saved.
  inputs=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log")
  found=$(printf '%s' "$inputs" | grep -c . || true)
  if ((rc != 0)) && ((found == 0)); then found=1; fi
  echo "fuzz: $target: ${execs:-0} execs in $SECONDS_PER_TARGET s (${rate:-0} exec/s)," \
    "$found crash$( ((found == 1)) || echo es), corpus $(find "$corpus" -type f | wc -l) files" \
    >"$WORK/$target.summary"
  ((found > 0)) || return 0
  touch "$WORK/$target.failed"
  cp "$log" "$artifacts/last-run.log"
  {
    grep -E -A 30 "ERROR: |runtime error|fuzz invariant violated|Deadly signal" "$log" | head -n 60 || true
    if [ -n "$inputs" ]; then
      while IFS= read -r input; do
        echo "fuzz: $target: input saved at $input (reproduce: $BUILD_DIR/fuzz/$target $input)"
      done <<<"$inputs"
    else
      echo "fuzz: $target: exit code $rc; full log: $artifacts/last-run.log"
    fi
  } >"$WORK/$target.report"
}

# FUZZ_RUN_JOBS targets at a time (default 2, the CI machine's cores): each is one libFuzzer
# process on one core for SECONDS_PER_TARGET, so every target gets the same time as when they
# ran one after the other, and the stage takes half as long.
RUN_JOBS=${FUZZ_RUN_JOBS:-2}
running=0
for target in "${TARGETS[@]}"; do
  if ((running >= RUN_JOBS)); then
    wait -n || true
    running=$((running - 1))
  fi
  fuzz_target "$target" &
  running=$((running + 1))
done
wait

failed=()
for target in "${TARGETS[@]}"; do
  cat "$WORK/$target.summary" 2>/dev/null || echo "fuzz: $target: did not report (see $WORK)"
  if [ -e "$WORK/$target.failed" ] || [ ! -e "$WORK/$target.summary" ]; then
    failed+=("$target")
    cat "$WORK/$target.report" >&2 2>/dev/null || true
  fi
done

echo "fuzz: total $((SECONDS - start)) s (build + ${#TARGETS[@]} targets x $SECONDS_PER_TARGET s," \
  "$RUN_JOBS at a time)"
if ((${#failed[@]})); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: OK"
