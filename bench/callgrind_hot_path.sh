#!/usr/bin/env bash
# Instructions per event of the hot path, and where they go (valgrind's callgrind: exact counts,
# unaffected by machine load). Runs depthrec-hot-path twice under callgrind, with 0 and with N
# replays of the real USD-M capture; the difference divided by the events replayed is the cost of
# one event, start-up removed. Threads are counted apart: the network thread's work (main) and
# the writer's worker thread.
#   bash bench/callgrind_hot_path.sh [--build-dir DIR] [--iterations N] [--market usdm|spot]
#                                    [--path steps|session] [--sink null|gzip] [--top K]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build"
ITERATIONS=10
MARKET=usdm
HOT_PATH=steps
SINK=null
TOP=25
while (($#)); do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    --iterations) ITERATIONS="$2"; shift 2 ;;
    --market) MARKET="$2"; shift 2 ;;
    --path) HOT_PATH="$2"; shift 2 ;;
    --sink) SINK="$2"; shift 2 ;;
    --top) TOP="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
DRIVER="$BUILD_DIR/depthrec-hot-path"
[[ -x "$DRIVER" ]] || { echo "missing $DRIVER: cmake --build $BUILD_DIR --target depthrec-hot-path" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

OUT="$(mktemp -d /tmp/depthrec-callgrind-XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

# Runs the driver under callgrind; prints the driver's figures line. Output files: $OUT/$1.out-NN
# Extra valgrind options may follow the iteration count.
profile() {
  local name="$1" iterations="$2"
  shift 2
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$OUT/$name.out" "$@" \
    "$DRIVER" --iterations "$iterations" --market "$MARKET" --path "$HOT_PATH" --sink "$SINK" \
    2>"$OUT/$name.valgrind.log" | tail -n 1
}
# Total Ir of one per-thread file ("totals:" or "summary:" line).
ir_of() { awk '/^(totals|summary):/ { print $2; exit }' "$1"; }
# Ir of the main thread (file -01) and of all threads together.
main_ir() { ir_of "$OUT/$1.out-01"; }
all_ir() { local sum=0 f; for f in "$OUT/$1".out-*; do sum=$((sum + $(ir_of "$f"))); done; echo "$sum"; }

echo "callgrind: depthrec-hot-path --market $MARKET --path $HOT_PATH --sink $SINK, 0 and $ITERATIONS replays"
profile zero 0 >/dev/null
line="$(profile run "$ITERATIONS")"
echo "  driver: $line"
events="$(sed -n 's/.* events=\([0-9]*\).*/\1/p' <<<"$line")"
[[ -n "$events" && "$events" -gt 0 ]] || { echo "no events replayed" >&2; exit 1; }

main_per_event=$(( ($(main_ir run) - $(main_ir zero)) / events ))
all_per_event=$(( ($(all_ir run) - $(all_ir zero)) / events ))
echo "  events: $events"
echo "  instructions per event, network thread (main):  $main_per_event"
echo "  instructions per event, all threads (+ writer): $all_per_event"
echo
# A third run collects only inside replay_once() (the replays, no start-up) for the profile.
profile replays "$ITERATIONS" --toggle-collect='*replay_once*' >/dev/null
replay_ir="$(main_ir replays)"
echo "top functions of the network thread, replays only ($((replay_ir / events)) instructions/event"
echo "inside replay_once(), rewinds included), by own instructions (inlined code counts in its caller):"
callgrind_annotate --threshold=99 "$OUT/replays.out-01" 2>/dev/null |
  awk '/^-+$/ { dashes++; next } dashes >= 3 && NF > 0 && !/PROGRAM TOTALS|^Ir/' |
  sed -E 's/ \[[^]]*\]$//; s/std::basic_string_view<char, std::char_traits<char> >/string_view/g;
          s/std::vector<depthrec::PriceLevel, std::allocator<depthrec::PriceLevel> >/vector<PriceLevel>/g;
          s/rapidjson::GenericReader<rapidjson::UTF8<char>, rapidjson::UTF8<char>, rapidjson::CrtAllocator>/rapidjson::Reader/g;
          s/\?\?\?://' |
  head -n "$TOP"
