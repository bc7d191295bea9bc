#!/usr/bin/env bash
# Installs the peer client that peer_client_e2e_test.cpp runs against depthsim: ccxt (its `pro`
# WebSocket part included), pinned, into DIR (default build/npm: outside the source tree, never
# committed). Needs node and npm (Debian packages nodejs, npm; tools/setup.sh installs them and
# calls this). Does nothing when that version is already there.
#   tests/integration/peer_client/install.sh [DIR]
set -euo pipefail
CCXT_VERSION=4.5.84
DIR=${1:-build/npm}
installed="$DIR/node_modules/ccxt/package.json"
mkdir -p "$DIR"
# The two PeerClient tests may run at once (ctest -j2) into a build dir without it (build-asan):
# one installs, the other waits for it instead of racing npm over the same folder.
exec 9>"$DIR/.install.lock"
flock 9
if [ -f "$installed" ] && grep -q "\"version\": \"$CCXT_VERSION\"" "$installed"; then
  exit 0
fi
npm install --prefix "$DIR" --no-audit --no-fund --no-save --loglevel=error "ccxt@$CCXT_VERSION"
