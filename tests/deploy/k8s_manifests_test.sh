#!/usr/bin/env bash
# Renders the example overlay and the backfill Job with `kubectl kustomize`
# and checks every container against the binaries it runs
# (check_manifests.py): flags, ports, probe paths, the grace period, and the
# dedup budget the Prometheus rules assume. A renamed flag fails here.
set -euo pipefail

runfiles="$TEST_SRCDIR/$TEST_WORKSPACE"
work="$TEST_TMPDIR/k8s"
mkdir -p "$work"

if ! command -v kubectl >/dev/null; then
  echo "kubectl not found (Debian: kubernetes-client; scripts/setup.sh)" >&2
  exit 1
fi
# kustomize does not follow the runfiles' symlinks: render a copy.
cp -rL "$runfiles/deploy/k8s" "$work/k8s"
kubectl kustomize "$work/k8s/overlays/example" >"$work/example.yaml"
kubectl kustomize "$work/k8s/backfill" >"$work/backfill.yaml"

# The workers load the CA named in their Kafka properties at start-up.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=wirestream-test -days 1 \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null

exec python3 "$runfiles/tests/deploy/check_manifests.py" \
  --rendered="$work/example.yaml" --rendered="$work/backfill.yaml" \
  --binary="normalize=$runfiles/pipeline/workers/normalize" \
  --binary="dedup=$runfiles/pipeline/workers/dedup" \
  --binary="classify=$runfiles/pipeline/workers/classify" \
  --binary="alert=$runfiles/pipeline/workers/alert" \
  --binary="replay=$runfiles/tools/replay/replay" \
  --rules="$runfiles/deploy/prometheus/wirestream.rules.yml" \
  --ca_file="$work/ca.crt" --work_dir="$work"
