#!/usr/bin/env bash
# The dashboard rides out a broker restart: on a private broker (started
# with scripts/kafka-start.sh under the test's own directory, so the shared
# test broker is never touched), the dashboard loads its history, the
# broker is stopped and started again on the same data, and stories
# written after the restart reach the API without restarting the
# dashboard. Needs WIRESTREAM_ROOT (scripts/test.sh sets it).
set -euo pipefail

here="$TEST_SRCDIR/$TEST_WORKSPACE/pipeline/dashboard"
root="${WIRESTREAM_ROOT:?set WIRESTREAM_ROOT to the workspace root (scripts/test.sh does)}"
state="$TEST_TMPDIR/broker"
dashboard_pid=""
cleanup() {
  [[ -n "$dashboard_pid" ]] && kill "$dashboard_pid" 2>/dev/null || true
  "$root/scripts/kafka-stop.sh" "$state" >/dev/null 2>&1 || true
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- dashboard log:" >&2
  tail -20 "$TEST_TMPDIR/dashboard.log" >&2 || true
  exit 1
}

# wait_for SECONDS COMMAND...: runs COMMAND every half second until it
# succeeds; false after SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

bootstrap="$("$root/scripts/kafka-start.sh" "$state" | tail -1)"
feed() {
  "$here/testing/story_feeder" --bootstrap="$bootstrap" --enriched=restart.enriched \
    --alerts=restart.alerts "$@"
}
feed --create_partitions=2 --files="$here/testdata/history/01-economy-jp.enriched.txtpb"

port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
"$here/dashboard_worker" --bootstrap="$bootstrap" --input=restart.enriched,restart.alerts \
  --http="127.0.0.1:$port" >"$TEST_TMPDIR/dashboard.log" 2>&1 &
dashboard_pid=$!
api() { curl -sf "http://127.0.0.1:$port$1"; }
has_story() { api "/api/stories/$1"; }
wait_for 60 has_story hist-econ-1 || fail "history not loaded"
wait_for 10 api /readyz || fail "not ready after loading its history"

# Stop the broker and start it again on the same data and ports.
pid="$(cat "$state/pid")"
kill "$pid"
wait_for 60 bash -c "! kill -0 $pid" || fail "the broker did not stop"
sleep 2
kill -0 "$dashboard_pid" || fail "the dashboard exited while the broker was down"
(
  cd "$state"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC "-Dkafka.logs.dir=$state" \
    "-Dlog4j2.configurationFile=$state/log4j2.properties" \
    -cp "$root/.cache/kafka/libs/*" kafka.Kafka "$state/server.properties" \
    >"$state/stdout.log" 2>&1 &
  echo $! >"$state/pid"
)
wait_for 90 feed --files="$here/testdata/live/10-quake.enriched.txtpb,$here/testdata/live/11-quake.alert.txtpb" ||
  fail "could not write to the restarted broker"
wait_for 60 has_story live-quake-1 || fail "a story written after the restart did not arrive"
api /api/alerts | grep -q '"alert_id":"al-quake-1"' || fail "the alert written after the restart did not arrive"
api /api/stories | grep -q '"total":2' || fail "want the two stories, got $(api /api/stories)"
echo "dashboard kept reading across a broker restart"
