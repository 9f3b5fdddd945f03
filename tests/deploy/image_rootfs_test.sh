#!/usr/bin/env bash
# The container image's root filesystem (deploy/image/assemble-rootfs.sh,
# what scripts/image.sh puts in the image) holds everything its binaries
# need: each one's loader finds every library inside it and the binary
# answers --helpfull run chrooted there; CA bundle, tzdata and the user
# wirestream are in place; and the normalize worker, chrooted as that user,
# joins the broker, becomes ready and normalizes a story.
#
# Containers themselves cannot run on this test machine (podman's runtimes
# refuse its cgroup setup: see docs/operations.md, "The image"); when
# `podman run` works, the worker is also started from the root filesystem
# with podman.
set -euo pipefail

runfiles="$TEST_SRCDIR/$TEST_WORKSPACE"
# chroot lives in /usr/sbin, which Bazel's test PATH leaves out.
PATH="$PATH:/usr/sbin:/sbin"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

if [[ -z "${WIRESTREAM_BOOTSTRAP:-}" ]]; then
  if [[ -z "${WIRESTREAM_ROOT:-}" ]]; then
    echo "no Kafka broker: set WIRESTREAM_BOOTSTRAP or WIRESTREAM_ROOT" \
      "(scripts/test.sh sets both)" >&2
    exit 1
  fi
  state="$TEST_TMPDIR/broker"
  WIRESTREAM_BOOTSTRAP="$("$WIRESTREAM_ROOT/scripts/kafka-start.sh" "$state" | tail -1)"
  trap '"$WIRESTREAM_ROOT/scripts/kafka-stop.sh" "$state"' EXIT
fi
bootstrap="$WIRESTREAM_BOOTSTRAP"

declare -A binaries=(
  [normalize]=pipeline/workers/normalize
  [dedup]=pipeline/workers/dedup
  [classify]=pipeline/workers/classify
  [alert]=pipeline/workers/alert
  [passthrough]=pipeline/workers/passthrough
  [dashboard]=pipeline/dashboard/dashboard_worker
  [push_gateway]=pipeline/ingest/push_gateway
  [folder_gateway]=pipeline/ingest/folder_gateway
  [feed_gateway]=pipeline/ingest/feed_gateway
  [topics]=tools/topics/topics
  [produce]=tools/produce/produce
  [inspect]=tools/inspect/inspect
  [replay]=tools/replay/replay
  [enrich]=tools/enrich/enrich
  [loadgen]=tools/loadgen/loadgen
)
pairs=()
for name in "${!binaries[@]}"; do
  pairs+=("$name=$runfiles/${binaries[$name]}")
done
rootfs="$TEST_TMPDIR/rootfs"
"$runfiles/deploy/image/assemble-rootfs.sh" "$rootfs" "${pairs[@]}"

if [[ "$(id -u)" != 0 ]] || ! command -v chroot >/dev/null; then
  echo "chroot needs root and coreutils' chroot (CI runs as root)" >&2
  exit 1
fi
loader=/lib64/ld-linux-x86-64.so.2
[[ -e "$rootfs$loader" ]] || fail "no loader $loader in the image"

for name in "${!binaries[@]}"; do
  # The loader inside the image resolves every library inside the image.
  list="$(chroot "$rootfs" "$loader" --list "/usr/local/bin/$name" 2>&1)" ||
    fail "$name: the image's loader cannot load it: $list"
  if grep -q 'not found' <<<"$list"; then
    fail "$name: libraries missing from the image: $(grep 'not found' <<<"$list")"
  fi
  help="$(chroot "$rootfs" "/usr/local/bin/$name" --helpfull 2>&1 || true)"
  grep -q -- '--flagfile' <<<"$help" ||
    fail "$name --helpfull in the image printed no flags: ${help:0:300}"
done

[[ -s "$rootfs/etc/ssl/certs/ca-certificates.crt" ]] || fail "no CA bundle"
grep -q 'BEGIN CERTIFICATE' "$rootfs/etc/ssl/certs/ca-certificates.crt" ||
  fail "the CA bundle holds no certificate"
for zone in UTC Europe/Berlin Asia/Tokyo America/New_York; do
  [[ -s "$rootfs/usr/share/zoneinfo/$zone" ]] || fail "no tzdata for $zone"
done
grep -qx 'wirestream:x:65532:65532:wirestream:/nonexistent:/usr/sbin/nologin' \
  "$rootfs/etc/passwd" || fail "no user wirestream (65532) in /etc/passwd"
[[ ! -e "$rootfs/bin/sh" && ! -e "$rootfs/usr/bin/sh" ]] ||
  fail "the image has a shell"

# The normalize worker from the image, as the user wirestream, on the broker.
run="image$$$RANDOM."
"$runfiles/tools/topics/topics" --bootstrap "$bootstrap" create --pipeline \
  --prefix "$run" --partitions 1 >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
chroot --userspec=65532:65532 "$rootfs" /usr/local/bin/normalize \
  --bootstrap="$bootstrap" --input="${run}wire.raw" --output="${run}wire.stories" \
  --dlq="${run}wire.dlq" --group="${run}normalize" --instance=0 \
  --http="127.0.0.1:$port" >"$TEST_TMPDIR/normalize.log" 2>&1 &
worker=$!
cleanup() {
  kill -TERM "$worker" 2>/dev/null || true
  wait "$worker" 2>/dev/null || true
  "$runfiles/tools/topics/topics" --bootstrap "$bootstrap" delete --pipeline \
    --prefix "$run" >/dev/null 2>&1 || true
}
trap 'cleanup; [[ -z "${state:-}" ]] || "$WIRESTREAM_ROOT/scripts/kafka-stop.sh" "$state"' EXIT

ready=0
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then
    ready=1
    break
  fi
  kill -0 "$worker" 2>/dev/null || break
  sleep 0.5
done
if ((ready)); then
  "$runfiles/tools/produce/produce" --bootstrap="$bootstrap" \
    --topic="${run}wire.raw" --source=test \
    "$runfiles/pipeline/stages/normalize/testdata/stories/ninjs-1x-ap-quake.json" \
    >/dev/null 2>&1
  produced=
  for _ in $(seq 1 120); do
    produced="$(curl -sf "http://127.0.0.1:$port/metrics" |
      awk '/^wirestream_records_produced_total\{/ {print $2}')"
    [[ "$produced" == 1 ]] && break
    sleep 0.5
  done
  [[ "$produced" == 1 ]] ||
    fail "the worker in the image normalized [$produced] stories, want 1"
  kill -TERM "$worker"
  status=0
  wait "$worker" || status=$?
  [[ "$status" == 0 ]] || fail "the worker exited $status after SIGTERM, want 0"
  ps_user="$(grep -c 'stopped cleanly' "$TEST_TMPDIR/normalize.log" || true)"
  [[ "$ps_user" == 1 ]] || fail "the worker did not stop cleanly"
else
  fail "the worker in the image did not become ready; log: $(tail -20 "$TEST_TMPDIR/normalize.log")"
fi

# podman, where it can run containers.
if command -v podman >/dev/null; then
  # podman wants a short runroot path.
  podman_dir="$(mktemp -d /tmp/podman.XXXXXX)"
  if out="$(timeout 60 podman --root "$podman_dir/root" \
    --runroot "$podman_dir/run" run --rm --network=host \
    --user 65532:65532 --rootfs "$rootfs" /usr/local/bin/normalize \
    --helpfull 2>&1)"; then
    grep -q -- '--flagfile' <<<"$out" || fail "podman run: no flags printed"
  else
    echo "note: podman cannot run containers here: $(grep -v CNI <<<"$out" | tail -1)"
  fi
  rm -rf "$podman_dir" 2>/dev/null || true
fi

if ((failures)); then
  echo "$failures failures" >&2
  exit 1
fi
echo "PASS: the image's root filesystem runs its ${#binaries[@]} binaries"
