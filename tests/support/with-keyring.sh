#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, the way a desktop
# session provides a secret service. Used by the tests that store secrets for real.
set -eu
if [ -z "${LBDECK_IN_KEYRING:-}" ]; then
  export LBDECK_IN_KEYRING=1
  made=""
  if [ -z "${LBDECK_KEYRING_HOME:-}" ]; then
    LBDECK_KEYRING_HOME=$(mktemp -d)
    made=$LBDECK_KEYRING_HOME
  fi
  export HOME="$LBDECK_KEYRING_HOME"
  export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_RUNTIME_DIR="$HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
  chmod 700 "$XDG_RUNTIME_DIR"
  # Not exec'd: the private home this made goes when the session ends, whatever the test did.
  rc=0
  dbus-run-session -- "$0" "$@" || rc=$?
  [ -z "$made" ] || rm -rf "$made" || :
  exit "$rc"
fi
printf 'lbdeck-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
