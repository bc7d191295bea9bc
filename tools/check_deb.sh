#!/usr/bin/env bash
# The Debian package (ctest DebPackage, label install): `cpack -G DEB` from BUILD_DIR into a scratch
# directory; `dpkg -I` must list the Debian packages of the shared libraries the executables link
# (dpkg-shlibdeps); the package is unpacked into a scratch root (dpkg -x: no root needed, the
# machine untouched) and its depthrec answers --version from there.
#   tools/check_deb.sh BUILD_DIR
set -euo pipefail
build_dir="$(cd "${1:?usage: check_deb.sh BUILD_DIR}" && pwd)"
for tool in cpack dpkg dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool not installed"; exit 77; }
done
work=$(mktemp -d /tmp/depthrec-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$build_dir" && cpack -G DEB -B "$work/out" >"$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/depthrec_*.deb)
echo "$(basename "$deb"): $(du -h "$deb" | cut -f1)"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for package in libssl3 libcurl4 libdeflate0 libisal2 zlib1g libstdc++6; do
  [[ "$depends" == *"$package"* ]] || { echo "FAILED: Depends lacks $package"; exit 1; }
done
dpkg -x "$deb" "$work/root"
for file in usr/bin/depthrec usr/bin/depthsim usr/include/depthrec/recorder.hpp \
  usr/lib/cmake/depthrec/depthrecConfig.cmake usr/lib/pkgconfig/depthrec.pc \
  usr/share/depthrec/deploy/systemd/depthrec@.service; do
  [ -e "$work/root/$file" ] || { echo "FAILED: $file not in the package"; exit 1; }
done
version=$("$work/root/usr/bin/depthrec" --version)
echo "unpacked depthrec --version: $version"
echo "OK"
