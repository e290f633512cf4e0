#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What a test run must leave as it found it, listed before the first test and compared after the
# last (the ctest fixture "leftovers"):
#   leftovers.sh snapshot FILE   write the listing to FILE
#   leftovers.sh compare FILE    list it again; print what is new and fail if anything is
# Listed: the entries of /tmp and of $XDG_RUNTIME_DIR, the mount points, the network links, and the processes of the
# programs the test bed starts (etcd, dockerd, containerd, sshd, nginx, dbus-daemon, gnome-keyring,
# Xvfb, tcpdump, lbdeck's own), with their command lines. Every test-bed dockerd is among those
# processes, so a daemon left running (and the containers it keeps) shows; one that stopped took
# its containers with it.
set -euo pipefail
export LC_ALL=C

# The machine's own churn, not the tests': systemd's private /tmp of a timer unit, a login's
# /run/user mount, a system Docker's mounts.
ignored='^(tmp systemd-private-|mount /run/user/|mount /var/lib/docker/|mount /run/docker/)'

list() {
  {
    local tmp=${TMPDIR:-/tmp} runtime
    # An entry may go while it is listed: find then fails, which is no finding.
    find "$tmp" -mindepth 1 -maxdepth 1 -printf 'tmp %f\n' 2>/dev/null || true
    # Qt's runtime directory without XDG_RUNTIME_DIR (tunnel sockets go there).
    runtime=${XDG_RUNTIME_DIR:-$tmp/runtime-$(id -un)}
    if [[ -d $runtime ]]; then
      find "$runtime" -mindepth 1 -maxdepth 1 -printf 'runtime %f\n' 2>/dev/null || true
    fi
    awk '{print "mount " $5}' /proc/self/mountinfo
    # Network links (the test bed's lbdk* bridges); a container's veth comes and goes with it.
    ip -o link show 2>/dev/null | awk -F': ' '$2 !~ /^veth/ {sub(/@.*/, "", $2); print "link " $2}' || true
    local self=$$ pid name args
    for dir in /proc/[0-9]*; do
      pid=${dir#/proc/}
      [[ $pid == "$self" ]] && continue
      name=$(readlink "$dir/exe" 2>/dev/null) || name=$(cat "$dir/comm" 2>/dev/null) || continue
      name=${name##*/}
      args=$(tr '\0' ' ' <"$dir/cmdline" 2>/dev/null) || continue
      case $name in
        sshd | nginx)
          # The test bed's run from its own directories; the system's (and its logins) do not.
          [[ $args == *"$tmp/"* ]] && echo "process $name ${args% }"
          ;;
        etcd | dockerd | containerd | containerd-shim* | dbus-daemon | gnome-keyring-d* | Xvfb | tcpdump | \
          lbdeck | lbdeck-engine | lbdeck-register | lbdeck-testbed | test_* | bench_*)
          echo "process $name ${args% }"
          ;;
      esac
    done
  } | grep -Ev "$ignored" | sort -u || true
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
    # The last test's services may still be on their way out: a few seconds before it counts.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      list >"$after"
      new=$(comm -13 "$2" "$after" | grep -v "^tmp ${after##*/}\$" || true)
      [[ -z $new ]] && break
      sleep 1
    done
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
