#!/usr/bin/env bash
# A real Prometheus (Debian's) scraping the four workers on 127.0.0.1 while
# stories flow through the broker; then every Grafana panel's queries run
# against it. See prometheus_integration_test.py. Uses
# WIRESTREAM_BOOTSTRAP, or starts a broker through WIRESTREAM_ROOT like the
# other broker tests.
set -euo pipefail

runfiles="$TEST_SRCDIR/$TEST_WORKSPACE"
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

bin="$TEST_TMPDIR/bin"
mkdir -p "$bin"
for worker in normalize dedup classify alert; do
  ln -sf "$runfiles/pipeline/workers/$worker" "$bin/$worker"
done
ln -sf "$runfiles/tools/topics/topics" "$bin/topics"
ln -sf "$runfiles/tools/produce/produce" "$bin/produce"

python3 "$runfiles/tests/deploy/prometheus_integration_test.py" \
  --bootstrap="$WIRESTREAM_BOOTSTRAP" --bin="$bin" \
  --prometheus_yml="$runfiles/deploy/prometheus/prometheus.yml" \
  --rules="$runfiles/deploy/prometheus/wirestream.rules.yml" \
  --rules="$runfiles/deploy/prometheus/wirestream.recording.yml" \
  --dashboard="$runfiles/deploy/grafana/wirestream.json" \
  --alert_rules="$runfiles/tests/deploy/testdata/alert_rules.yaml" \
  --stories="$runfiles/pipeline/stages/normalize/testdata/stories" \
  --work_dir="$TEST_TMPDIR/run"
