#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks what a user installs: the desktop entry, the AppStream metadata, the systemd units, the
# example engine config, and the .deb CPack builds from this tree (contents, dependencies, and that
# its binaries run from the unpacked package).
# Usage: check-packaging.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== desktop entry"
desktop-file-validate "$src/packaging/io.lbdeck.lbdeck.desktop"
echo "== AppStream metainfo"
appstreamcli validate --no-net "$src/packaging/io.lbdeck.lbdeck.metainfo.xml"

echo "== systemd units (ExecStart pointed at the built engine)"
for unit in lbdeck-engine.service lbdeck-register.service; do
  sed "s|/usr/bin/lbdeck-engine|$build/app/lbdeck-engine|" "$src/packaging/$unit" > "$work/$unit"
  out=$(systemd-analyze verify "$work/$unit" 2>&1 || true)
  # verify also reports on units it pulls in (nginx, docker) that this machine may not have.
  if printf '%s\n' "$out" | grep "^$unit:\|$work/$unit" | grep -v "Unit .* not found" >&2; then
    fail "systemd-analyze verify complained about $unit"
  fi
done

echo "== example engine config parses (etcd on a closed port: expect exit 3, not 2)"
set +e
"$build/app/lbdeck-engine" --config "$src/packaging/lbdeck-engine.toml" --etcd http://127.0.0.1:1 render \
  > "$work/render.out" 2> "$work/render.err"
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$work/render.err" >&2; fail "lbdeck-engine render exited $rc, want 3 (etcd down)"; }

echo "== cpack -G DEB"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1) \
  || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/lbdeck_*.deb)
dpkg-deb -c "$deb" | awk '{print $6}' > "$work/contents"
for f in ./usr/bin/lbdeck ./usr/bin/lbdeck-engine ./usr/bin/lbdeck-askpass \
         ./usr/share/applications/io.lbdeck.lbdeck.desktop ./usr/share/metainfo/io.lbdeck.lbdeck.metainfo.xml \
         ./usr/share/icons/hicolor/scalable/apps/io.lbdeck.lbdeck.svg \
         ./usr/lib/systemd/system/lbdeck-engine.service ./usr/lib/systemd/system/lbdeck-register.service \
         ./usr/share/doc/lbdeck/examples/lbdeck-engine.toml; do
  grep -qx "$f" "$work/contents" || fail "$f missing from $(basename "$deb")"
done
if grep -q "testbed\|bench_\|test_" "$work/contents"; then fail "test or bench binaries in the package"; fi
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6core6 libqt6widgets6 libqt6network6 libqt6keychain1; do
  printf '%s' "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
dpkg-deb -x "$deb" "$work/root"
"$work/root/usr/bin/lbdeck-engine" --version | grep -q "lbdeck-engine 0.1.0" || fail "packaged engine does not run"
"$work/root/usr/bin/lbdeck-engine" template | grep -q "upstream" || fail "packaged engine has no template"
echo "packaging: $(basename "$deb") $(stat -c %s "$deb") bytes, $(wc -l < "$work/contents") entries, Depends: $depends"
