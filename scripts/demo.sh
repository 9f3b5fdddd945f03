#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing
# (scripts/setup.sh), builds, and runs the whole pipeline on librdkafka's
# in-process mock cluster with the sample stories. Enriched stories are
# printed as JSON lines on stdout; progress and dead letters on stderr.
#
#   scripts/demo.sh [--samples=DIR] [--partitions=N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
scripts/setup.sh
echo "demo: building (the first build takes a few minutes)..." >&2
bazel build //tools/demo >/dev/null 2>"$root/.cache/demo-build.log" || {
  cat "$root/.cache/demo-build.log" >&2
  exit 1
}
exec bazel-bin/tools/demo/demo "$@"
