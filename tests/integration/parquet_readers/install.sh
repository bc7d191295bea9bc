#!/usr/bin/env bash
# Installs the two independent Parquet readers the depthrec-export tests read every file back with
# (parquet_export_e2e_test.cpp, parquet_readers_e2e_test.cpp): hyparquet (pure JavaScript, with
# hyparquet-compressors for zstd pages) and DuckDB's node API (@duckdb/node-api: DuckDB's own C++
# Parquet reader). Pinned, into DIR (default build/npm-parquet: outside the source
# tree, never committed). Needs node and npm (tools/setup.sh installs them and calls this). Does
# nothing when those versions are already there.
#   tests/integration/parquet_readers/install.sh [DIR]
set -euo pipefail
HYPARQUET_VERSION=1.33.0
HYPARQUET_COMPRESSORS_VERSION=1.1.2
DUCKDB_VERSION=1.5.6-r.1
DIR=${1:-build/npm-parquet}
mkdir -p "$DIR"
# Tests of the same build dir may start at once: one installs, the others wait for it.
exec 9>"$DIR/.install.lock"
flock 9
has_version() { [ -f "$DIR/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" "$DIR/node_modules/$1/package.json"; }
if has_version hyparquet "$HYPARQUET_VERSION" && has_version hyparquet-compressors \
  "$HYPARQUET_COMPRESSORS_VERSION" && has_version @duckdb/node-api "$DUCKDB_VERSION"; then
  exit 0
fi
npm install --prefix "$DIR" --no-audit --no-fund --no-save --loglevel=error \
  "hyparquet@$HYPARQUET_VERSION" "hyparquet-compressors@$HYPARQUET_COMPRESSORS_VERSION" \
  "@duckdb/node-api@$DUCKDB_VERSION"
