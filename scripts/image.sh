#!/usr/bin/env bash
# Builds the wirestream container image: every worker and tool in one image,
# one entry point per binary (/usr/local/bin/NAME), on an empty base with
# only what they load (deploy/image/assemble-rootfs.sh: shared libraries,
# CA certificates, tzdata), running as the user wirestream (65532).
#
#   scripts/image.sh                       # image localhost/wirestream:dev
#   scripts/image.sh --tag 2026.12.1 --archive wirestream.tar
#   scripts/image.sh --rootfs-only DIR     # just the root filesystem
#
# --archive writes an OCI archive to load elsewhere (`podman load -i`,
# `skopeo copy oci-archive:wirestream.tar docker://REGISTRY/...`). Choose
# the worker with the container's command, e.g.
#   podman run --network=host localhost/wirestream:dev /usr/local/bin/classify --bootstrap=HOST:PORT
# (deploy/k8s sets `command:` the same way). Needs Debian's buildah.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tag=dev
archive=
rootfs_only=
while (($#)); do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --archive) archive="$2"; shift 2 ;;
    --rootfs-only) rootfs_only="$2"; shift 2 ;;
    *) echo "usage: $0 [--tag TAG] [--archive FILE] [--rootfs-only DIR]" >&2; exit 2 ;;
  esac
done

# name=bazel target; the name is the binary's name in the image.
binaries=(
  normalize=//pipeline/workers:normalize
  dedup=//pipeline/workers:dedup
  classify=//pipeline/workers:classify
  alert=//pipeline/workers:alert
  passthrough=//pipeline/workers:passthrough
  dashboard=//pipeline/dashboard:dashboard_worker
  push_gateway=//pipeline/ingest:push_gateway
  folder_gateway=//pipeline/ingest:folder_gateway
  feed_gateway=//pipeline/ingest:feed_gateway
  topics=//tools/topics:topics
  produce=//tools/produce:produce
  inspect=//tools/inspect:inspect
  replay=//tools/replay:replay
  enrich=//tools/enrich:enrich
  loadgen=//tools/loadgen:loadgen
)
targets=()
pairs=()
for entry in "${binaries[@]}"; do
  target="${entry#*=}"
  targets+=("$target")
  path="${target#//}"
  pairs+=("${entry%%=*}=bazel-bin/${path/://}")
done
bazel build "${targets[@]}"

rootfs="${rootfs_only:-$(mktemp -d)/rootfs}"
deploy/image/assemble-rootfs.sh "$rootfs" "${pairs[@]}"
if [[ -n "$rootfs_only" ]]; then
  exit 0
fi

if ! command -v buildah >/dev/null; then
  echo "image.sh: buildah is missing: apt-get install buildah" >&2
  exit 1
fi
image="localhost/wirestream:$tag"
container="$(buildah from scratch)"
trap 'buildah rm "$container" >/dev/null 2>&1 || true; rm -rf "$(dirname "$rootfs")"' EXIT
buildah copy --quiet "$container" "$rootfs" / >/dev/null
buildah config \
  --user 65532:65532 \
  --workingdir / \
  --env TZ=UTC \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --port 9464 \
  --cmd '["/usr/local/bin/normalize"]' \
  --label org.opencontainers.image.title=wirestream \
  --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  "$container"
buildah commit --quiet "$container" "$image" >/dev/null
echo "image.sh: built $image"
if [[ -n "$archive" ]]; then
  buildah push --quiet "$image" "oci-archive:$archive:$image"
  echo "image.sh: wrote $archive"
fi
