#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks what a user installs: the desktop entry, the AppStream metadata, the systemd units, the
# example engine config, the man pages, the engine's container recipe, and the .deb CPack builds
# from this tree (contents, dependencies, and that its binaries run from the unpacked package).
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
         ./usr/share/doc/lbdeck/examples/lbdeck-engine.toml \
         ./usr/share/man/man1/lbdeck.1.gz ./usr/share/man/man1/lbdeck-engine.1.gz \
         ./usr/share/lbdeck/container/build-engine-image.sh; do
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

echo "== man pages: render without warnings, and document exactly the options --help lists"
# Long options of a page's OPTIONS section, and of the program's --help (Qt's --help-all included).
page_options() { sed -n '/^OPTIONS$/,/^[A-Z][A-Z ]*$/p' "$1" | grep -o -- '--[a-z][a-z-]*' | sort -u; }
help_options() {
  sed -n '/^Options:/,/^$/p' "$1" | grep -o -- '^ *\(-[a-z], \)\?--[a-z][a-z-]*'  | grep -o -- '--[a-z-]*' | sort -u
}
for prog in lbdeck lbdeck-engine; do
  page="$work/root/usr/share/man/man1/$prog.1.gz"
  zcat "$page" | cmp -s - "$src/packaging/man/$prog.1" \
    || fail "the packaged $prog.1 is not packaging/man/$prog.1: build once (cmake re-runs) and retry"
  LC_ALL=C MANWIDTH=80 man --warnings -l "$page" > /dev/null 2> "$work/man.err" || fail "man -l $prog.1 failed"
  if [ -s "$work/man.err" ]; then cat "$work/man.err" >&2; fail "man -l $prog.1 warns"; fi
  LC_ALL=C MANWIDTH=500 man -l "$page" 2> /dev/null | col -b > "$work/$prog.txt"
  QT_QPA_PLATFORM=offscreen "$work/root/usr/bin/$prog" --help > "$work/$prog.help" 2> /dev/null
  if ! diff <(page_options "$work/$prog.txt") <(help_options "$work/$prog.help") >&2; then
    fail "$prog.1's OPTIONS differ from $prog --help (< the page, > --help)"
  fi
  # Every verb --help names is in the page.
  sed -n '/^Verbs:/,/^$/p' "$work/$prog.help" | awk 'NR > 1 && /^  [a-z]/ {print $1}' > "$work/$prog.verbs"
  [ "$prog" = lbdeck ] || [ -s "$work/$prog.verbs" ] || fail "found no verbs in $prog --help"
  while read -r verb; do
    grep -q "^       $verb\b" "$work/$prog.txt" || fail "$prog.1 does not describe the verb $verb"
  done < "$work/$prog.verbs"
done
echo "packaging: $(basename "$deb") $(stat -c %s "$deb") bytes, $(wc -l < "$work/contents") entries, Depends: $depends"
