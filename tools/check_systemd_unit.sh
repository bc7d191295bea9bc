#!/usr/bin/env bash
# deploy/systemd/depthrec@.service checked by `systemd-analyze verify` (Debian's systemd package):
# a copy with the built binary in ExecStart= (verify requires an executable there), as the
# instance depthrec@check.service. verify exits 0 on unknown keys and bad values (it only warns),
# so any line it prints fails the check too. Works on a file without systemd as PID 1 (a
# container). ctest SystemdUnit runs it; exit 77 (skipped) only when systemd-analyze is absent.
#   tools/check_systemd_unit.sh BUILD_DIR
set -euo pipefail
unit="$(cd "$(dirname "$0")/.." && pwd)/deploy/systemd/depthrec@.service"
binary="$(cd "${1:?usage: check_systemd_unit.sh BUILD_DIR}" && pwd)/depthrec"
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIPPED: systemd-analyze not installed (apt-get install systemd)"
  exit 77
fi
[ -x "$binary" ] || { echo "FAILED: $binary not built"; exit 1; }
work=$(mktemp -d /tmp/depthrec-unit.XXXXXX)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/depthrec|$binary|" "$unit" >"$work/depthrec@check.service"
status=0
output=$(systemd-analyze verify "$work/depthrec@check.service" 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$output" ]; then
  echo "FAILED: systemd-analyze verify (exit $status):"
  echo "$output"
  exit 1
fi
echo "OK: systemd-analyze verify $unit (ExecStart=$binary)"
