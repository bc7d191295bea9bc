#!/usr/bin/env bash
# The whole test suite, in stages; CI (.ci/run) runs it with no arguments, i.e. every stage.
# Installs what is missing first (tools/setup.sh --deps-only).
#
#   tools/test.sh              every stage, in this order (each prints its name and duration):
#     build  RelWithDebInfo build in build/ (tools/setup.sh), ctest of what the asan stage does
#            not run: the fault matrix on the optimised build (-L faults, with the endurance run)
#            and the install checks; of everything when the asan stage is not part of the run
#     bench  bench/smoke.sh: every micro-benchmark briefly and the hot-path driver (< 30 s; fails
#            only if something does not run, never on figures)
#     asan   ASan+UBSan Debug build in build-asan/: every unit test binary once (one process
#            each), then ctest -L 'integration|hostile' (the fault matrix's hostile-server cases,
#            FaultHostile*): each test runs once per CI run, in the stricter of the two builds it
#            could run in, and the build stage does not even compile the unit and integration
#            test binaries
#     tsan   TSan build in build-tsan/: the threaded unit tests and a few integration tests
#            (threaded_e2e_tests: only their files and the tools they start are built)
#     fuzz   tools/fuzz.sh 10: every libFuzzer target (18), 10 s each, two at a time (build-fuzz/)
#     tidy   clang-tidy (.clang-tidy) over src/ and tools/, on build/compile_commands.json; it
#            starts in the background at nice 19 once build/ is compiled, and this stage
#            finishes what is left and reports
#     leak   tools/leak_check.sh: a record-and-stop run of depthrec under valgrind memcheck
#
#   tools/test.sh -L unit      the developer's fast path: with arguments, only the "build" stage
#                              runs, and the arguments go to its ctest (-L unit, -R Decimal, ...)
#   DEPTHREC_STAGES="build tidy" tools/test.sh   only the stages named
#   DEPTHREC_SKIP_SANITIZERS=1 (asan, tsan), DEPTHREC_SKIP_FUZZ=1, DEPTHREC_SKIP_TIDY=1,
#   DEPTHREC_SKIP_LEAK=1       leave stages out locally (CI sets none of them)
#
# Every stage runs even after one fails (one CI run shows every failure); the exit status is
# non-zero if any stage failed. A sanitizer report in any process (a test or a depthsim/depthrec
# it started) fails its stage: reports are written to <build dir>/sanitizer-reports/ and printed.
# shellcheck disable=SC2317  # the stage_* functions are called by name
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=2  # the CI machine has 2 cores

# Build dirs (overridable, e.g. to keep a developer's build/ apart).
BUILD_DIR=${BUILD_DIR:-build}
ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
TSAN_BUILD_DIR=${TSAN_BUILD_DIR:-build-tsan}
FUZZ_SECONDS=${FUZZ_SECONDS:-10}

# Under TSan: the unit tests with threads, and the integration tests that cover the recorder's
# threads end to end (network, writer, metrics, REST fetcher, reconnect, stop on SIGTERM, the
# library API's callback and hand-off queue): 13 tests, ~16 s. They come from threaded_e2e_tests
# (tests/integration/CMakeLists.txt: their two files only), so the TSan build compiles neither the
# other integration files nor the tools those need.
TSAN_UNIT_TESTS=(recording_tests transport_tests metrics_tests session_tests)
TSAN_INTEGRATION_TARGET=threaded_e2e_tests
TSAN_INTEGRATION_FILTER="RecorderEndToEnd.*:LibraryApi.*"

# The tests the asan stage runs (ctest -L); when it is part of the run, the build stage runs the
# others (ctest -LE), so no test runs twice.
ASAN_LABELS='unit|integration|hostile'

# clang-tidy covers src/ and every tools/<tool>/ except those named here (e.g. a tool in the
# middle of a rewrite; none now).
TIDY_SKIP_TOOLS=()

# Sanitizer builds carry line tables only: their reports need file:line, nobody steps through
# them in a debugger, and full -g made their compiles about a third slower.
SANITIZER_DEBUG_INFO=-g1

ctest_args=("$@")
if (($#)); then
  stages=(build)
else
  read -r -a stages <<<"${DEPTHREC_STAGES:-build bench asan tsan fuzz tidy leak}"
fi

# ---------------------------------------------------------------------------------------------
stage_build() {
  local selection=("${ctest_args[@]}") unit_integration=ON
  if ((${#selection[@]} == 0)) && in_run asan; then
    # Their binaries are not even built here: the asan stage compiles and runs them.
    selection=(-LE "$ASAN_LABELS")
    unit_integration=OFF
    echo "build: the tests labelled $ASAN_LABELS are built and run in the asan stage"
  fi
  BUILD_DIR=$BUILD_DIR CMAKE_ARGS="-DDEPTHREC_BUILD_UNIT_INTEGRATION_TESTS=$unit_integration" \
    bash tools/setup.sh
  start_background_tidy
  ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j"$JOBS" --timeout 300 \
    "${selection[@]}"
}

# Sanitizer options every process inherits. halt/abort: the first report ends the process with
# a failure; LeakSanitizer (on by default with ASan) fails a process that leaks at exit. Reports
# also go to files, so one in a process no test checks the exit code of (depthsim) is not lost.
sanitizer_env() {
  local reports=$1
  rm -rf "$reports"
  mkdir -p "$reports"
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$reports/asan"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan"
}

# Fails (and prints them) if any process wrote a sanitizer report.
check_sanitizer_reports() {
  local reports=$1
  local files
  files=$(find "$reports" -type f | sort)
  [ -z "$files" ] && return 0
  echo "sanitizer reports:" >&2
  while IFS= read -r file; do
    echo "--- $file" >&2
    head -n 80 "$file" >&2
  done <<<"$files"
  return 1
}

configure() {
  local dir=$1
  shift
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja -DDEPTHREC_BUILD_BENCH=OFF "$@" >"$dir/configure.log" 2>&1 ||
    { cat "$dir/configure.log" >&2; return 1; }
}

build_asan() {
  configure "$ASAN_BUILD_DIR" -DCMAKE_BUILD_TYPE=Debug -DDEPTHREC_SANITIZE=address,undefined \
    -DCMAKE_CXX_FLAGS_DEBUG="$SANITIZER_DEBUG_INFO"
  cmake --build "$ASAN_BUILD_DIR" -j"$JOBS"
}

# Each unit test binary of build-asan/ once, all its cases in one process, $JOBS binaries at a
# time; a failing binary's output is printed. ctest starts one process per case, and 890
# processes' ASan start-up and leak check at exit took ~210 of the stage's ~1,020 test-seconds.
run_asan_unit_binaries() {
  local logs=$ROOT/$ASAN_BUILD_DIR/unit-logs
  rm -rf "$logs"
  mkdir -p "$logs"
  find "$ASAN_BUILD_DIR/tests" -maxdepth 1 -type f -name '*_tests' -perm -u+x | sort |
    xargs -P "$JOBS" -I{} bash -c 'log="$1/$(basename "$2").log"
      if timeout 600 "$2" --gtest_brief=1 >"$log" 2>&1; then
        echo "asan: $(basename "$2"): $(grep -m1 -o "[0-9]* tests\? from [0-9]* test suites\? ran" "$log")"
      else echo "asan: $2 FAILED:"; cat "$log"; exit 1; fi' _ "$logs" {}
}

stage_asan() {
  build_asan
  local reports=$ROOT/$ASAN_BUILD_DIR/sanitizer-reports rc=0
  sanitizer_env "$reports"
  run_asan_unit_binaries || rc=1
  # The unit-labelled checks that are scripts, not GoogleTest binaries (no "." in their names).
  ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure --no-tests=error -j"$JOBS" -L unit -E '\.' ||
    rc=1
  ctest --test-dir "$ASAN_BUILD_DIR" --output-on-failure --no-tests=error -j"$JOBS" --timeout 300 \
    -L 'integration|hostile' || rc=1
  check_sanitizer_reports "$reports" || rc=1
  return "$rc"
}

build_tsan() {
  configure "$TSAN_BUILD_DIR" -DDEPTHREC_SANITIZE=thread \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 $SANITIZER_DEBUG_INFO -DNDEBUG"
  cmake --build "$TSAN_BUILD_DIR" -j"$JOBS" --target "${TSAN_UNIT_TESTS[@]}" "$TSAN_INTEGRATION_TARGET"
}

stage_tsan() {
  build_tsan
  local reports=$ROOT/$TSAN_BUILD_DIR/sanitizer-reports rc=0 test
  sanitizer_env "$reports"
  for test in "${TSAN_UNIT_TESTS[@]}"; do
    echo "tsan: $test"
    timeout 600 "$TSAN_BUILD_DIR/tests/$test" --gtest_brief=1 || rc=1
  done
  echo "tsan: $TSAN_INTEGRATION_TARGET --gtest_filter=$TSAN_INTEGRATION_FILTER"
  timeout 600 "$TSAN_BUILD_DIR/tests/integration/$TSAN_INTEGRATION_TARGET" --gtest_brief=1 \
    --gtest_filter="$TSAN_INTEGRATION_FILTER" || rc=1
  check_sanitizer_reports "$reports" || rc=1
  return "$rc"
}

stage_bench() {
  bash bench/smoke.sh --build-dir "$BUILD_DIR"
}

stage_fuzz() {
  bash tools/fuzz.sh "$FUZZ_SECONDS"
}

# The files clang-tidy checks: the .cpp files of src/ and tools/<tool>/ in compile_commands.json.
tidy_files() {
  local dirs=(src) tool name
  for tool in tools/*/; do
    name=$(basename "$tool")
    [[ " ${TIDY_SKIP_TOOLS[*]} " == *" $name "* ]] && continue
    dirs+=("tools/$name")
  done
  local joined
  joined=$(IFS='|'; echo "${dirs[*]}")
  python3 -c 'import json, re, sys
pattern = re.compile(sys.argv[2])
for entry in json.load(open(sys.argv[1])):
    path = entry["file"] if entry["file"].startswith("/") else entry["directory"] + "/" + entry["file"]
    if pattern.match(path):
        print(path)' "$BUILD_DIR/compile_commands.json" "^$ROOT/($joined)/.*\.cpp$" | sort -u
}

# clang-tidy on every file that has no result yet in $TIDY_RESULTS, $JOBS at a time; a result
# (<name>.log, <name>.rc) appears once its file is done. Each file starts at the niceness
# $TIDY_NICE holds then (start_background_tidy, stage_tidy).
tidy_pending() {
  local tidy
  tidy=$(command -v clang-tidy-14 || command -v clang-tidy) ||
    { echo "tidy: clang-tidy not found (run tools/setup.sh)" >&2; return 1; }
  [ -f "$BUILD_DIR/compile_commands.json" ] ||
    { echo "tidy: $BUILD_DIR/compile_commands.json missing (stage build)" >&2; return 1; }
  mkdir -p "$TIDY_RESULTS"
  local file result running=0
  while IFS= read -r file; do
    result=$TIDY_RESULTS/$(printf '%s' "${file#"$ROOT"/}" | tr '/' '_')
    [ -e "$result.rc" ] && continue
    if ((running >= JOBS)); then
      wait -n || true
      running=$((running - 1))
    fi
    (
      rc=0
      nice -n "$(cat "$TIDY_NICE" 2>/dev/null || echo 0)" \
        "$tidy" -p "$BUILD_DIR" -quiet "$file" >"$result.part" 2>&1 || rc=$?
      mv "$result.part" "$result.log"
      echo "$rc" >"$result.rc"
    ) &
    running=$((running + 1))
  done < <(tidy_files)
  wait
}

# clang-tidy in the background from the end of the build stage's compile, at nice 19: the later
# stages' tests leave much of the two cores idle (the build stage's ctest -j2 used 30 % of them)
# and it takes only that. nice holds here because the worker stays in this script's session,
# hence in its scheduler autogroup; a setsid'd worker is a group of its own and took half the
# machine from the tests (stop 25's building ahead, withdrawn). The tidy stage finishes the
# files left at normal priority.
start_background_tidy() {
  in_run tidy || return 0
  echo 19 >"$TIDY_NICE"
  (
    tidy_pending || true
    touch "$STATE_DIR/tidy-background.done"
  ) >"$STATE_DIR/tidy-background.log" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/tidy-background.pid"
  echo "build: clang-tidy runs in the background at nice 19 until the tidy stage"
}

stage_tidy() {
  echo 0 >"$TIDY_NICE"  # the files not started yet start at normal priority
  if [ -e "$STATE_DIR/tidy-background.pid" ]; then
    echo "tidy: $(find "$TIDY_RESULTS" -name '*.rc' | wc -l) files done in the background"
    while [ ! -e "$STATE_DIR/tidy-background.done" ]; do sleep 1; done
  fi
  tidy_pending || return 1
  local log=$BUILD_DIR/clang-tidy.log rc=0 result
  : >"$log"
  for result in "$TIDY_RESULTS"/*.rc; do
    cat "${result%.rc}.log" >>"$log"
    [ "$(cat "$result")" = 0 ] || rc=1
  done
  # Keep the diagnostics, drop the "N warnings generated" counts.
  sed 's/\x1b\[[0-9;]*m//g' "$log" |
    grep -v -E '^([0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed|Use -header-filter|Error while processing)' || true
  echo "tidy: $(find "$TIDY_RESULTS" -name '*.rc' | wc -l) files," \
    "$(grep -c -E '(error|warning): ' "$log" || true) findings (full log: $log)"
  return "$rc"
}

stage_leak() {
  BUILD_DIR=$BUILD_DIR bash tools/leak_check.sh
}

# ---------------------------------------------------------------------------------------------
skipped() {
  case $1 in
    asan | tsan) [ -n "${DEPTHREC_SKIP_SANITIZERS:-}" ] ;;
    fuzz) [ -n "${DEPTHREC_SKIP_FUZZ:-}" ] ;;
    tidy) [ -n "${DEPTHREC_SKIP_TIDY:-}" ] ;;
    leak) [ -n "${DEPTHREC_SKIP_LEAK:-}" ] ;;
    *) false ;;
  esac
}

# True if stage $1 is part of this run (named and not skipped).
in_run() {
  [[ " ${stages[*]} " == *" $1 "* ]] && ! skipped "$1"
}

bash tools/setup.sh --deps-only
STATE_DIR=$(mktemp -d /tmp/depthrec-test.XXXXXX)
TIDY_RESULTS=$STATE_DIR/tidy  # clang-tidy's per-file results
TIDY_NICE=$STATE_DIR/tidy.nice  # the niceness clang-tidy's next files start at
kill_tree() {
  local child
  for child in $(pgrep -P "$1"); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
# At exit, e.g. when a run is interrupted before its tidy stage.
stop_background_tidy() {
  [ -e "$STATE_DIR/tidy-background.pid" ] && [ ! -e "$STATE_DIR/tidy-background.done" ] || return 0
  kill_tree "$(cat "$STATE_DIR/tidy-background.pid")"
}
trap 'stop_background_tidy; rm -rf "$STATE_DIR"' EXIT
summary=()
failed=0
suite_start=$SECONDS
echo "test: stages: ${stages[*]} (load average $(cut -d' ' -f1-3 /proc/loadavg))"
for stage in "${stages[@]}"; do
  if ! declare -F "stage_$stage" >/dev/null; then
    echo "test: unknown stage '$stage' (build bench asan tsan fuzz tidy leak)" >&2
    exit 2
  fi
  if skipped "$stage"; then
    summary+=("$(printf '%-6s skipped' "$stage")")
    continue
  fi
  echo "==> stage $stage (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  start=$SECONDS
  status=OK
  # In the background so that errexit holds inside the stage (it is off in a "cmd || ..." list).
  ("stage_$stage") &
  wait $! || { status=FAILED; failed=1; }
  line=$(printf '%-6s %-6s %4d s' "$stage" "$status" $((SECONDS - start)))
  echo "<== stage $line (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  summary+=("$line")
done
echo "test: summary"
printf '  %s\n' "${summary[@]}"
printf '  total         %4d s\n' $((SECONDS - suite_start))
exit "$failed"
