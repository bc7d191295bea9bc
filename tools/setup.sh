#!/usr/bin/env bash
# Installs the Debian packages depthrec needs (only those missing), the npm peer client its
# integration tests use (tests/integration/peer_client/install.sh), and builds it.
#   tools/setup.sh               install + build (Release-with-debug-info, in build/)
#   tools/setup.sh --deps-only   install only
#   BUILD_DIR=... CMAKE_ARGS=... tools/setup.sh   another build dir / extra CMake options
#   TARGETS="depthrec depthsim" tools/setup.sh    build those targets only (tools/run.sh), and skip
#                                                the tests' npm peer client
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev
  libwebsocketpp-dev libasio-dev libssl-dev rapidjson-dev zlib1g-dev libdeflate-dev libisal-dev libcli11-dev
  libyaml-cpp-dev libgtest-dev libgmock-dev libcurl4-openssl-dev libbenchmark-dev openssl ca-certificates
  python3 python3-websocket valgrind clang-tidy prometheus-cpp-dev prometheus
  libhiredis-dev redis-server redis-tools python3-redis libzstd-dev libsystemd-dev systemd)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# Node.js and npm for the peer-client test (ccxt), only when missing: a machine may have them from
# elsewhere (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # --no-install-recommends: without it libasio-dev pulls in all of Boost.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
BUILD_DIR=${BUILD_DIR:-build}
# Only for a build of everything (TARGETS unset: tools/run.sh builds just what it runs and needs
# neither): the peer client (ccxt) and the two Parquet readers the depthrec-export tests read
# every file back with (hyparquet, DuckDB's node API), pinned, outside the sources.
if [ -z "${TARGETS:-}" ]; then
  bash tests/integration/peer_client/install.sh "$BUILD_DIR/npm" ||
    echo "setup: ccxt not installed into $BUILD_DIR/npm (PeerClient.* will try again and fail)" >&2
  bash tests/integration/parquet_readers/install.sh "$BUILD_DIR/npm-parquet" ||
    echo "setup: Parquet readers not installed into $BUILD_DIR/npm-parquet (ParquetReaders.* will fail)" >&2
fi
[ "${1:-}" = "--deps-only" ] && exit 0

# Every test binary unless CMAKE_ARGS says otherwise (tools/test.sh leaves the unit and
# integration ones out of build/ when its asan stage builds and runs them).
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja -DDEPTHREC_BUILD_UNIT_INTEGRATION_TESTS=ON ${CMAKE_ARGS:-} >/dev/null
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j"$(nproc)" ${TARGETS:+--target $TARGETS}
