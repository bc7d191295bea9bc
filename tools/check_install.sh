#!/usr/bin/env bash
# The installed package, used as another project would (ctest InstallAndConsume, label install):
#   1. cmake --install BUILD_DIR into a scratch prefix;
#   2. examples/ofi-consumer (its own CMakeLists.txt, find_package(depthrec CONFIG REQUIRED))
#      configured and built against that prefix only, then run against the installed depthsim
#      (127.0.0.1, an OS-chosen port) until 200 synced updates give an OFI figure;
#   3. pkg-config --cflags --libs depthrec with PKG_CONFIG_PATH at the prefix, and the same example
#      compiled and linked with nothing but those flags.
#   tools/check_install.sh BUILD_DIR
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$(cd "${1:?usage: check_install.sh BUILD_DIR}" && pwd)"
work=$(mktemp -d /tmp/depthrec-install.XXXXXX)
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
prefix="$work/prefix"

cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
for file in bin/depthrec bin/depthsim bin/depthrec-replay bin/depthrec-check include/depthrec/recorder.hpp \
  lib/libdepthrec_session.a lib/cmake/depthrec/depthrecConfig.cmake lib/pkgconfig/depthrec.pc \
  share/depthrec/deploy/systemd/depthrec@.service; do
  [ -e "$prefix/$file" ] || { echo "FAILED: $file not installed"; exit 1; }
done
echo "installed: $(grep -c Installing "$work/install.log") files into $prefix"

# The consumer sees only the prefix: no source or build tree of depthrec on its paths.
cmake -S "$source_dir/examples/ofi-consumer" -B "$work/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer" >"$work/build.log" || { cat "$work/build.log"; exit 1; }

"$prefix/bin/depthsim" --port 0 --port-file "$work/port" --cert-out "$work/ca.pem" \
  --market usdm --symbols BTCUSDT --rate 500 >"$work/depthsim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 400); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "FAILED: depthsim did not start"; cat "$work/depthsim.log"; exit 1; }
port=$(cat "$work/port")
run_consumer() {
  (cd "$work" && "$1" --symbol BTCUSDT --market usdm --updates 200 --endpoint "wss://127.0.0.1:$port" \
    --rest-endpoint "https://127.0.0.1:$port" --ca-file "$work/ca.pem")
}
output=$(run_consumer "$work/consumer/ofi-consumer")
echo "find_package consumer: $output"
[[ "$output" == *"updates=200 ofi="*" breaks=0"* ]] || { echo "FAILED: unexpected output"; exit 1; }

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs depthrec)
echo "pkg-config --cflags --libs depthrec: $flags"
# shellcheck disable=SC2086
g++ -O1 "$source_dir/examples/ofi-consumer/main.cpp" -o "$work/ofi-consumer-pc" $flags
output=$(run_consumer "$work/ofi-consumer-pc")
echo "pkg-config consumer: $output"
[[ "$output" == *"updates=200 ofi="*" breaks=0"* ]] || { echo "FAILED: unexpected output"; exit 1; }
echo "OK"
