#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The packaged engine unit, run the way systemd would run it on a stock Debian nginx, without
# systemd as PID 1: the .deb CPack builds is unpacked into a temporary root (dpkg -x; the host is
# never changed), and the engine and Debian's nginx run inside the sandbox that the unit's own
# directives describe, read from the unit file in the package:
#   ProtectSystem=strict   a private mount namespace (unshare -m) with every mount remounted
#                          read-only except /dev, /proc and /sys,
#   ReadWritePaths=        writable bind mounts of sandbox copies of those paths (the copies keep
#                          the host's directories and, under /etc, its files),
#   PrivateTmp=yes         private tmpfs on /tmp and /var/tmp,
#   ProtectHome=yes        empty, inaccessible /home, /root and /run/user,
#   RuntimeDirectory=      created with its mode,
#   NoNewPrivileges=yes    setpriv --no-new-privs.
# Inside: Debian's nginx -t on its stock /etc/nginx passes, and the engine renders, checks,
# installs and HUPs nginx for a backend put into etcd (started here on loopback). First, the same
# sandbox without the path that holds /var/log/nginx must make nginx -t fail: the sandbox really is
# read-only. The rest of the unit (what a namespace cannot show) is scored by
# systemd-analyze security --offline=yes.
# Usage: check-unit-sandbox.sh SOURCE_DIR BUILD_DIR [INNER ...]; LBDECK_DEB=file reuses a built .deb.
set -euo pipefail

# --- inside the namespace: check-unit-sandbox.sh - inner WORK MODE -----------------------------------
if [ "${1:-}" = - ] && [ "${2:-}" = inner ]; then
  work=$3
  mode=$4 # "readonly-check" or "run"
  # shellcheck source=/dev/null
  . "$work/sandbox.env"
  fail() { echo "FAIL (sandbox): $*" >&2; exit 1; }
  nnp() { setpriv --no-new-privs "$@"; }

  # ProtectSystem=strict: every mount read-only, the API file systems excepted.
  while read -r mp; do
    mp=$(printf '%b' "$mp")
    case "$mp" in /proc | /proc/* | /sys | /sys/* | /dev | /dev/*) continue ;; esac
    # Some special mounts (nsfs, for one) cannot be remounted; / and what holds files must be.
    mount -o remount,bind,ro "$mp" 2> /dev/null || [ "$mp" != / ] || fail "cannot remount / read-only"
  done < <(awk '{print $5}' /proc/self/mountinfo | sort -u)
  if [ -w /usr ] || [ -w /etc ] || [ -w /var ]; then fail "/usr, /etc or /var is still writable"; fi
  # This test's own scratch directory stays writable (nothing of the unit's uses it).
  scratch=$work/scratch
  mount --bind "$scratch" "$scratch"
  mount -o remount,bind,rw "$scratch"
  # ReadWritePaths: the sandbox's copy of each path, writable, over it ("-": skipped when absent).
  for p in $RW_PATHS; do
    [ -e "$work/rw$p" ] || continue
    mount --bind "$work/rw$p" "$p"
    mount -o remount,bind,rw "$p"
  done
  if [ "$PRIVATE_TMP" = yes ]; then
    # A work directory under /tmp (a checkout there) would vanish under the private /tmp: it is
    # held on /mnt meanwhile and bound back at its own path inside the new /tmp.
    hold=
    case "$work/" in
      /tmp/* | /var/tmp/*)
        [ -d /mnt ] || fail "no /mnt to hold $work across the private /tmp"
        hold=/mnt/lbdeck-work
        mount -t tmpfs -o mode=700 tmpfs /mnt
        mkdir -p "$hold"
        mount --rbind "$work" "$hold"
        ;;
    esac
    for t in /tmp /var/tmp; do
      [ -d "$t" ] && mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$t"
    done
    if [ -n "$hold" ]; then
      mkdir -p "$work"
      mount --rbind "$hold" "$work"
    fi
  fi
  if [ "$PROTECT_HOME" = yes ]; then
    for h in /home /root /run/user; do
      [ -d "$h" ] && mount -t tmpfs -o ro,mode=000 tmpfs "$h"
    done
  fi
  for d in $RUNTIME_DIRS; do
    mkdir -p "/run/$d" && chmod "$RUNTIME_MODE" "/run/$d"
  done

  echo "-- sandbox ($mode): writable: $RW_PATHS; private /tmp: $PRIVATE_TMP; no new privileges"
  set +e
  nnp /usr/sbin/nginx -t > "$scratch/nginx-t.out" 2>&1
  rc=$?
  set -e
  if [ "$mode" = readonly-check ]; then
    [ "$rc" != 0 ] || fail "nginx -t passed although /var/log/nginx is read-only: the sandbox is not read-only"
    grep -q "Read-only file system" "$scratch/nginx-t.out" || { cat "$scratch/nginx-t.out" >&2; fail "nginx -t failed otherwise"; }
    echo "   without /var/log/nginx writable, stock nginx -t fails as on a real system: $(grep -m1 'Read-only' "$scratch/nginx-t.out")"
    exit 0
  fi
  cat "$scratch/nginx-t.out"
  [ "$rc" = 0 ] || fail "Debian's stock nginx -t fails inside the unit's sandbox"
  echo "   stock nginx -t passes"

  # nginx as nginx.service starts it, on the config the engine gives for what etcd holds now.
  nnp "$ENGINE" render --config "$CONFIG" > "$scratch/rendered.conf" 2> "$scratch/render.err" \
    || { cat "$scratch/render.err" >&2; fail "lbdeck-engine render failed"; }
  cp "$scratch/rendered.conf" /etc/nginx/nginx.conf
  /usr/sbin/nginx || fail "nginx did not start"
  for _ in $(seq 50); do [ -s /run/nginx.pid ] && break; sleep 0.1; done
  nginx_pid=$(cat /run/nginx.pid)
  echo "$nginx_pid" >> "$scratch/pids"

  # The engine as the unit's ExecStart runs it.
  # (setpriv itself, not through a function: $! must be the engine, setpriv execs it.)
  setpriv --no-new-privs "${EXEC_START[@]}" > "$scratch/engine.log" 2>&1 &
  engine_pid=$!
  echo "$engine_pid" >> "$scratch/pids"
  stop() {
    kill -TERM "$engine_pid" 2> /dev/null || true
    wait "$engine_pid" 2> /dev/null || true
    kill -QUIT "$nginx_pid" 2> /dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2> /dev/null || break; sleep 0.1; done
  }
  trap 'stop' EXIT
  status() { curl -fsS --max-time 2 "http://127.0.0.1:$STATUS_PORT/status"; }
  for _ in $(seq 100); do status > /dev/null 2>&1 && break; sleep 0.1; done
  status > /dev/null || { cat "$scratch/engine.log" >&2; fail "the engine's status endpoint did not answer"; }

  # A second backend: render, nginx -t, install and HUP, all inside the sandbox.
  etcdctl --endpoints "$ETCD" put /test/backend-2 "127.0.0.1:$BACKEND2" > /dev/null
  ok=
  for _ in $(seq 100); do
    if grep -q "server 127.0.0.1:$BACKEND2;" /etc/nginx/nginx.conf; then ok=1; break; fi
    sleep 0.1
  done
  [ -n "$ok" ] || { cat "$scratch/engine.log" >&2; fail "the engine did not install the new config"; }
  # The installed file names its config; nginx must run exactly that one, and the engine say so.
  hash=$(sed -n 's/.*(config \([0-9a-f]*\)).*/\1/p' /etc/nginx/nginx.conf | head -1)
  [ -n "$hash" ] || fail "the installed file names no config"
  status | grep -q "\"$hash\"" || fail "the engine's /status does not report config $hash"
  running=
  for _ in $(seq 50); do
    running=$(curl -fsS --max-time 2 "http://127.0.0.1:$NGINX_STATUS/lbdeck/config" || true)
    case "$running" in "$hash "*) break ;; esac
    sleep 0.1
  done
  case "$running" in "$hash "*) ;; *) cat "$scratch/engine.log" >&2; fail "nginx runs \"$running\", not config $hash" ;; esac
  seen=$(for _ in $(seq 8); do curl -fsS --max-time 2 "http://127.0.0.1:$LISTEN/"; done | sort -u | tr '\n' ' ')
  [ "$seen" = "backend-1 backend-2 " ] || fail "nginx answered \"$seen\", want both backends"
  # ExecReload: SIGHUP re-reads the configuration; the engine goes on.
  kill -HUP "$engine_pid"
  sleep 0.5
  kill -0 "$engine_pid" 2> /dev/null || { cat "$scratch/engine.log" >&2; fail "the engine died on SIGHUP"; }
  status > /dev/null || fail "no status after SIGHUP"
  echo "   engine installed config $hash; nginx runs \"$running\" and serves: $seen"
  if grep -qi "read-only file system" "$scratch/engine.log"; then
    cat "$scratch/engine.log" >&2
    fail "the engine met a read-only path"
  fi
  exit 0
fi

# --- outside: the package, etcd, two backends, then the sandbox ----------------------------------------
build=$2 # $1, the source tree, is not needed: everything comes from the package
if [ "$(id -u)" != 0 ]; then
  echo "SKIP: the unit's sandbox (mount namespace, nginx as root) needs root; CI runs as root"
  exit 77
fi
for tool in unshare setpriv mount dpkg-deb nginx etcd etcdctl curl python3 systemd-analyze; do
  command -v "$tool" > /dev/null || { echo "FAIL: $tool is missing (tools/install-deps)" >&2; exit 1; }
done
fail() { echo "FAIL: $*" >&2; exit 1; }

# Not under /tmp: the sandbox has a private /tmp, and it must still see the package and its config.
mkdir -p "$build/tests/packaging"
work=$(mktemp -d "$build/tests/packaging/unit-sandbox.XXXXXX")
scratch=$work/scratch # the test's own files, writable inside the sandbox too
mkdir -p "$scratch"
pids=()
cleanup() {
  # Whatever the sandbox started (nginx daemonizes), then what this script started; by PID only.
  if [ -f "$scratch/pids" ]; then
    while read -r p; do kill -TERM "$p" 2> /dev/null || true; done < "$scratch/pids"
  fi
  for p in "${pids[@]}"; do kill -TERM "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_ports() {
  python3 - "$1" << 'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r etcd_port peer_port backend1 backend2 listen nginx_status status_port <<< "$(free_ports 7)"

echo "== the .deb"
if [ -n "${LBDECK_DEB:-}" ]; then
  deb=$LBDECK_DEB
else
  (cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1) \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
  deb=$(ls "$work"/out/lbdeck_*.deb)
fi
dpkg-deb -x "$deb" "$work/root"
unit="$work/root/usr/lib/systemd/system/lbdeck-engine.service"
[ -f "$unit" ] || unit="$work/root/lib/systemd/system/lbdeck-engine.service"
[ -f "$unit" ] || fail "no lbdeck-engine.service in $(basename "$deb")"
engine="$work/root/usr/bin/lbdeck-engine"

echo "== the unit's sandbox, as its directives say"
# The last assignment wins; an empty one resets (systemd's rule for list settings, enough here).
directive() { sed -n "s/^$1=//p" "$unit"; }
last() { directive "$1" | tail -1; }
rw_list=""
while read -r line; do
  if [ -z "$line" ]; then rw_list=""; else rw_list="$rw_list $line"; fi
done < <(directive ReadWritePaths)
[ "$(last ProtectSystem)" = strict ] || fail "the unit does not say ProtectSystem=strict; this test reproduces strict only"
[ "$(last NoNewPrivileges)" = yes ] || fail "the unit does not say NoNewPrivileges=yes"
rw_paths=""
for p in $rw_list; do
  optional=
  case "$p" in -*) optional=1; p=${p#-} ;; esac
  case "$p" in +*) p=${p#+} ;; esac
  if [ ! -e "$p" ]; then
    [ -n "$optional" ] || fail "ReadWritePaths=$p does not exist here: systemd would refuse to start the unit"
    continue
  fi
  rw_paths="$rw_paths $p"
done
# The sandbox's copies: the host's directories with their owners and modes (and under /etc its
# files too), never the host itself.
for p in $rw_paths; do
  (cd "$p" && find . -xdev -type d) | while read -r d; do
    mkdir -p "$work/rw$p/$d"
    chown --reference="$p/$d" "$work/rw$p/$d"
    chmod --reference="$p/$d" "$work/rw$p/$d"
  done
  case "$p" in /etc | /etc/*) cp -a "$p/." "$work/rw$p/" ;; esac
done
runtime_dirs=$(last RuntimeDirectory)
runtime_mode=$(last RuntimeDirectoryMode)
config="$work/engine.toml"
cat > "$config" << EOF
# The engine's config for this test: the packaged layout, on loopback ports of its own.
[etcd]
endpoints = ["http://127.0.0.1:$etcd_port"]
[[source]]
prefix = "/test/"
kind = "backends"
[engine]
status_listen = "127.0.0.1:$status_port"
[nginx]
dest = "/etc/nginx/nginx.conf"
binary = "/usr/sbin/nginx"
pid_file = "/run/nginx.pid"
user = "www-data"
workers = 1
listen = "127.0.0.1:$listen"
status_listen = "127.0.0.1:$nginx_status"
upstream = "backend"
[traffic]
capture = false
access_log_socket = "/run/lbdeck-engine/access.sock"
access_log_user = "www-data"
EOF
# ExecStart as the unit spells it: the packaged binary, this test's config.
read -r -a exec_start <<< "$(last ExecStart)"
[ "${exec_start[0]}" = /usr/bin/lbdeck-engine ] || fail "unexpected ExecStart: ${exec_start[*]}"
exec_start[0]=$engine
for i in "${!exec_start[@]}"; do
  if [ "${exec_start[$i]}" = --config ] || [ "${exec_start[$i]}" = -c ]; then exec_start[i + 1]=$config; fi
done
write_env() {
  {
    printf 'RW_PATHS=%q\n' "$1"
    printf 'PRIVATE_TMP=%q\nPROTECT_HOME=%q\n' "$(last PrivateTmp)" "$(last ProtectHome)"
    printf 'RUNTIME_DIRS=%q\nRUNTIME_MODE=%q\n' "$runtime_dirs" "${runtime_mode:-0755}"
    printf 'ENGINE=%q\nCONFIG=%q\nETCD=%q\n' "$engine" "$config" "http://127.0.0.1:$etcd_port"
    printf 'BACKEND2=%q\nLISTEN=%q\nNGINX_STATUS=%q\nSTATUS_PORT=%q\n' "$backend2" "$listen" "$nginx_status" "$status_port"
    printf 'EXEC_START=('
    printf '%q ' "${exec_start[@]}"
    printf ')\n'
  } > "$work/sandbox.env"
}
echo "ReadWritePaths:$rw_paths; PrivateTmp=$(last PrivateTmp); ProtectHome=$(last ProtectHome); RuntimeDirectory=$runtime_dirs"
echo "ExecStart: ${exec_start[*]}"

echo "== etcd and two backends on loopback"
etcd --name unit-sandbox --data-dir "$work/etcd" --log-level error \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "unit-sandbox=http://127.0.0.1:$peer_port" > "$work/etcd.log" 2>&1 &
pids+=($!)
for n in 1 2; do
  mkdir -p "$work/backend$n"
  echo "backend-$n" > "$work/backend$n/index.html"
  port_var="backend$n"
  python3 -m http.server --bind 127.0.0.1 --directory "$work/backend$n" "${!port_var}" > /dev/null 2>&1 &
  pids+=($!)
done
for _ in $(seq 100); do
  etcdctl --endpoints "http://127.0.0.1:$etcd_port" endpoint health > /dev/null 2>&1 && break
  sleep 0.1
done
etcdctl --endpoints "http://127.0.0.1:$etcd_port" put /test/backend-1 "127.0.0.1:$backend1" > /dev/null \
  || { cat "$work/etcd.log" >&2; fail "etcd did not start"; }
for n in 1 2; do
  port_var="backend$n"
  for _ in $(seq 50); do curl -fsS "http://127.0.0.1:${!port_var}/" > /dev/null 2>&1 && break; sleep 0.1; done
done

echo "== control: without a writable /var/log/nginx, the sandbox makes stock nginx -t fail"
control=""
logs=/var/log/nginx
for p in $rw_paths; do
  case "$logs" in "$p" | "$p"/*) ;; *) control="$control $p" ;; esac
done
write_env "$control"
unshare -m --propagation private -- "$0" - inner "$work" readonly-check

echo "== the unit's sandbox: nginx -t, the engine's install and HUP"
write_env "$rw_paths"
rm -f "$scratch/pids"
if ! unshare -m --propagation private -- "$0" - inner "$work" run; then
  echo "-- engine log:" >&2
  cat "$scratch/engine.log" >&2 2> /dev/null || true
  fail "the engine as packaged does not work in its unit's sandbox"
fi
# The namespace is gone with its processes: nothing of it is left mounted here.
if grep -q "$work" /proc/self/mountinfo; then fail "a sandbox mount leaked into the host"; fi
for p in $(cat "$scratch/pids" 2> /dev/null); do
  ! kill -0 "$p" 2> /dev/null || fail "process $p of the sandbox still runs"
done

echo "== systemd-analyze security --offline=yes"
sed "s|/usr/bin/lbdeck-engine|$engine|" "$unit" > "$work/lbdeck-engine.service"
if systemd-analyze security --help 2>&1 | grep -q -- "--offline"; then
  systemd-analyze security --offline=yes --no-pager "$work/lbdeck-engine.service" > "$work/security.out" 2>&1 || true
  score=$(grep -o "Overall exposure level for lbdeck-engine.service: [0-9.]* [A-Z]*" "$work/security.out" || true)
  [ -n "$score" ] || { cat "$work/security.out" >&2; fail "systemd-analyze security gave no exposure score"; }
  echo "$score"
else
  echo "systemd-analyze here has no --offline: exposure not scored"
fi
echo "unit sandbox: ok"
