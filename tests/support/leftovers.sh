#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What a test run must leave as it found it, listed before the first test and compared after the
# last (the ctest fixture "leftovers"):
#   leftovers.sh snapshot FILE   write the listing to FILE
#   leftovers.sh compare FILE    list it again; print what is new and fail if anything is
# Listed: the entries of /tmp and of $XDG_RUNTIME_DIR, the mount points, and the processes of the
# programs the test bed starts (etcd, dockerd, containerd, sshd, nginx, dbus-daemon, gnome-keyring,
# Xvfb, tcpdump, lbdeck's own), with their command lines. Every test-bed dockerd is among those
# processes, so a daemon left running (and the containers it keeps) shows; one that stopped took
# its containers with it.
set -euo pipefail
export LC_ALL=C

list() {
  {
  local tmp=${TMPDIR:-/tmp}
  find "$tmp" -mindepth 1 -maxdepth 1 -printf 'tmp %f\n' 2>/dev/null
  if [[ -n ${XDG_RUNTIME_DIR:-} && -d $XDG_RUNTIME_DIR ]]; then
    find "$XDG_RUNTIME_DIR" -mindepth 1 -maxdepth 1 -printf 'runtime %f\n' 2>/dev/null
  fi
  awk '{print "mount " $5}' /proc/self/mountinfo
  local self=$$ pid exe args
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ $pid == "$self" ]] && continue
    exe=$(readlink "$dir/exe" 2>/dev/null) || continue
    case ${exe##*/} in
      etcd | dockerd | containerd | containerd-shim* | sshd | nginx | dbus-daemon | gnome-keyring-daemon | \
        Xvfb | tcpdump | lbdeck | lbdeck-engine | lbdeck-register | lbdeck-testbed | test_* | bench_*)
        args=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null) || continue
        echo "process ${exe##*/} ${args% }"
        ;;
    esac
  done
  } | sort -u
}

case ${1:-} in
  snapshot)
    # Without XDG_RUNTIME_DIR, Qt uses /tmp/runtime-$USER (and makes it in the first test): the
    # runtime directory of every Qt program run so, not the state of one test.
    [[ -n ${XDG_RUNTIME_DIR:-} ]] || install -d -m 700 "${TMPDIR:-/tmp}/runtime-$(id -un)"
    list >"$2"
    echo "leftovers: $(wc -l <"$2") entries listed before the tests"
    ;;
  compare)
    [[ -f $2 ]] || { echo "leftovers: no listing from before the tests ($2)" >&2; exit 2; }
    after=$(mktemp)
    trap 'rm -f "$after"' EXIT
    list >"$after"
    new=$(comm -13 "$2" "$after" | grep -v "^tmp ${after##*/}\$" || true)
    rm -f "$2"
    if [[ -n $new ]]; then
      echo "leftovers: the tests left these behind (absent before the first test):" >&2
      echo "$new" >&2
      exit 1
    fi
    echo "leftovers: nothing left behind"
    ;;
  *)
    echo "usage: $0 snapshot|compare FILE" >&2
    exit 2
    ;;
esac
