#!/usr/bin/env bash
# Checks the rule files' syntax and runs their unit tests with promtool, and
# checks the scrape configuration. Debian's Prometheus is built without
# Kubernetes service discovery, so prometheus.yml is checked with its
# kubernetes_sd_configs block swapped for a file_sd_configs one: the rest
# (relabelling, rule files) is checked as written.
set -euo pipefail
dir="$(dirname "$0")"
promtool check rules "$dir/wirestream.rules.yml" "$dir/wirestream.recording.yml"
if [[ -n "${TEST_TMPDIR:-}" ]]; then
  work="$TEST_TMPDIR"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/rules"
cp "$dir/wirestream.rules.yml" "$dir/wirestream.recording.yml" "$work/rules/"
sed -e "s|/etc/prometheus/rules/|$work/rules/|" \
  -e 's|kubernetes_sd_configs:|file_sd_configs:|' \
  -e "s|- role: pod|- files: [\"$work/targets.json\"]|" \
  "$dir/prometheus.yml" >"$work/prometheus.yml"
grep -q 'file_sd_configs' "$work/prometheus.yml"
promtool check config "$work/prometheus.yml"
cd "$dir"
promtool test rules wirestream.rules_test.yml wirestream.recording_test.yml
