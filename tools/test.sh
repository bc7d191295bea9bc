#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest): unit, integration and fault tests.
#   tools/test.sh            the whole suite (what CI runs)
#   tools/test.sh -L unit    extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
ctest --test-dir build --output-on-failure -j2 "$@"
