#!/usr/bin/env bash
# Assembles the container image's root filesystem from built binaries:
#
#   deploy/image/assemble-rootfs.sh ROOTFS NAME=BINARY [NAME=BINARY]...
#
# ROOTFS (emptied first) gets:
#   /usr/local/bin/NAME        each binary, stripped of nothing
#   the shared libraries they load, at the paths the loader looks for them
#   (found with ldd, symlinks kept), and the loader itself;
#   /etc/ssl/certs/ca-certificates.crt   Debian's CA bundle (TLS to Kafka,
#                                        webhooks)
#   /usr/share/zoneinfo        Debian's tzdata
#   /etc/passwd, /etc/group    root and the user wirestream (65532)
#   /etc/nsswitch.conf, /tmp (1777)
# No shell and no package manager: scripts/image.sh makes it an image with
# buildah. Needs ldd, and the packages ca-certificates and tzdata.
set -euo pipefail

if (($# < 2)); then
  echo "usage: $0 ROOTFS NAME=BINARY..." >&2
  exit 2
fi
rootfs="$1"
shift
rm -rf "$rootfs"
mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/usr/share" \
  "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"

# Copies a file to the same path under ROOTFS; for a symlink, the link and
# what it points to.
copy_path() {
  local path="$1"
  while :; do
    mkdir -p "$rootfs$(dirname "$path")"
    if [[ -L "$path" ]]; then
      cp -P "$path" "$rootfs$path"
      local target
      target="$(readlink "$path")"
      [[ "$target" == /* ]] || target="$(dirname "$path")/$target"
      path="$target"
    else
      cp "$path" "$rootfs$path"
      return
    fi
  done
}

libraries=()
for pair in "$@"; do
  name="${pair%%=*}"
  binary="$(readlink -f "${pair#*=}")"
  cp "$binary" "$rootfs/usr/local/bin/$name"
  chmod 0755 "$rootfs/usr/local/bin/$name"
  # "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)" and the
  # loader's own line "/lib64/ld-linux-x86-64.so.2 (0x...)".
  if ldd "$binary" | grep -q 'not found'; then
    echo "assemble-rootfs: $binary: a library is missing on this machine:" >&2
    ldd "$binary" | grep 'not found' >&2
    exit 1
  fi
  mapfile -t found < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
  libraries+=("${found[@]}")
done
mapfile -t libraries < <(printf '%s\n' "${libraries[@]}" | sort -u)
for library in "${libraries[@]}"; do
  copy_path "$library"
done
# /lib, /lib64 and /bin are symlinks into /usr on Debian bookworm (merged
# /usr); keep them so the loader's paths resolve inside the image.
for link in /lib /lib64 /bin /sbin; do
  if [[ -L "$link" && ! -e "$rootfs$link" ]]; then
    cp -P "$link" "$rootfs$link"
  fi
done

cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
cp -r /usr/share/zoneinfo "$rootfs/usr/share/"
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
wirestream:x:65532:65532:wirestream:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
wirestream:x:65532:
GROUP
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
echo "assemble-rootfs: $# binaries, ${#libraries[@]} libraries in $rootfs" >&2
