#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing
# (scripts/setup.sh), builds, and runs the whole pipeline (normalize,
# dedup, classify, alert) on librdkafka's in-process mock cluster with the
# sample stories until Ctrl-C. Enriched stories, alerts and dead letters
# are shown on stdout as they come; progress and the summary on stderr.
# Metrics: http://127.0.0.1:9464/metrics (normalize) to :9467 (alert).
# The newsroom dashboard: http://127.0.0.1:8080/ (--dashboard_port).
#
#   scripts/demo.sh [--wait_s=N] [--metrics_port=PORT] [--dashboard_port=PORT] [--rules=FILE] [--partitions=N]
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
