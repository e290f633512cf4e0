#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The engine's container recipe: builds a Docker image of lbdeck-engine offline (no registry, no
# internet) from what is installed on this machine. The root filesystem holds the engine binary, every
# library `ldd` lists (and the dynamic loader), Qt's TLS plugins with OpenSSL (for https:// etcd),
# the CA bundle when there is one, a minimal /etc/passwd and /etc/group, /tmp, and /usr/bin/confd
# (a symlink: the image also runs confd's command line). It is imported with `docker import`.
#
# Usage: build-engine-image.sh [ENGINE] [TAG] [DOCKER_HOST]
#   ENGINE       the lbdeck-engine binary, or a build directory holding app/lbdeck-engine
#                (default /usr/bin/lbdeck-engine, the packaged one)
#   TAG          the image's name (default lbdeck/engine:VERSION, VERSION from `lbdeck-engine --version`)
#   DOCKER_HOST  the Docker engine to import into (default: $DOCKER_HOST, else the docker CLI's own)
#
# The image runs `lbdeck-engine run --config /etc/lbdeck/engine.toml`; the seed's deployment, with
# nginx in a container on the conf-data volume ([nginx] container = "nginx" in engine.toml):
#   docker run -d --name lbdeck-engine --network host \
#     -v /var/run/docker.sock:/var/run/docker.sock -v /etc/lbdeck/engine.toml:/etc/lbdeck/engine.toml:ro \
#     lbdeck/engine:0.1.0
# Any verb works too: docker run --rm --network host lbdeck/engine:0.1.0 render --etcd http://127.0.0.1:2379 ...
set -euo pipefail

engine=${1:-/usr/bin/lbdeck-engine}
[ -d "$engine" ] && engine=$engine/app/lbdeck-engine
[ -x "$engine" ] || { echo "build-engine-image: no lbdeck-engine binary at $engine" >&2; exit 2; }
version=$("$engine" --version | awk '{print $2}')
tag=${2:-lbdeck/engine:$version}
docker=(docker)
if [ -n "${3:-}" ]; then docker+=(-H "$3"); fi
command -v docker > /dev/null || { echo "build-engine-image: needs the docker CLI (docker.io)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"

# Merged /usr (Debian 12): /lib, /lib64, /bin and /sbin are links into /usr here too, so that every
# path ldd prints, and the loader path in the binary, resolves in the image as it does on the host.
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$root/$d"; fi
done

# Copies a file to the same path in the image, following links (the image holds the file itself).
put() {
  local dir
  dir=$(realpath "$(dirname "$1")")
  mkdir -p "$root$dir"
  cp -L "$1" "$root$dir/$(basename "$1")"
}

# Every library a binary or plugin loads; one that ldd cannot find is an error.
put_libraries() {
  local out
  out=$(ldd "$1") || { echo "build-engine-image: ldd $1 failed" >&2; exit 1; }
  if printf '%s\n' "$out" | grep -q "not found"; then
    printf '%s\n' "$out" | grep "not found" >&2
    echo "build-engine-image: $1 needs libraries this machine lacks" >&2
    exit 1
  fi
  printf '%s\n' "$out" | grep -o '/[^ ]*' | while read -r lib; do put "$lib"; done
}

mkdir -p "$root/usr/bin"
cp -L "$engine" "$root/usr/bin/lbdeck-engine"
if command -v strip > /dev/null; then strip --strip-unneeded "$root/usr/bin/lbdeck-engine"; fi
put_libraries "$engine"
ln -s lbdeck-engine "$root/usr/bin/confd"

# QtNetwork loads its TLS backend as a plugin, and that plugin loads OpenSSL by name.
qtcore=$(ldd "$engine" | awk '/libQt6Core/ {print $3}')
plugins=$(dirname "$(realpath "$qtcore")")/qt6/plugins/tls
if [ -d "$plugins" ]; then
  for p in "$plugins"/*.so; do
    put "$p"
    put_libraries "$p"
  done
  for lib in libssl.so.3 libcrypto.so.3; do
    path=$(dirname "$(realpath "$qtcore")")/$lib
    if [ -e "$path" ]; then put "$path"; fi
  done
fi
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$root/etc/ssl/certs" "$root/usr/lib/ssl"
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  ln -s /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
  ln -s /etc/ssl/certs "$root/usr/lib/ssl/certs"
fi

mkdir -p "$root/etc/lbdeck" "$root/run/lbdeck-engine" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
cat > "$root/etc/passwd" << 'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat > "$root/etc/group" << 'EOF'
root:x:0:
www-data:x:33:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"

# Runs in the root filesystem before it becomes an image (chroot needs root; else ldd's word stands).
if [ "$(id -u)" = 0 ]; then
  chroot "$root" /usr/bin/lbdeck-engine --version > /dev/null \
    || { echo "build-engine-image: the engine does not run in its root filesystem" >&2; exit 1; }
fi

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .
"${docker[@]}" import \
  --change 'ENTRYPOINT ["/usr/bin/lbdeck-engine"]' \
  --change 'CMD ["run","--config","/etc/lbdeck/engine.toml"]' \
  --change 'ENV LANG=C.UTF-8' \
  --change "LABEL org.opencontainers.image.title=lbdeck-engine org.opencontainers.image.version=$version" \
  "$work/rootfs.tar" "$tag" > /dev/null
echo "build-engine-image: $tag ($(du -sh "$root" | cut -f1) root filesystem)"
