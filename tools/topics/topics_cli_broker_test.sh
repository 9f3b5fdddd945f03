#!/usr/bin/env bash
# The `topics` tool end to end against a real broker: create (names, configs,
# the pipeline set under a prefix), list, a partition mismatch, delete, and
# usage errors. Uses WIRESTREAM_BOOTSTRAP, or starts a broker through
# WIRESTREAM_ROOT like the C++ broker tests.
set -euo pipefail

topics="$TEST_SRCDIR/$TEST_WORKSPACE/tools/topics/topics"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_eq WHAT WANT GOT
expect_eq() {
  if [[ "$2" != "$3" ]]; then
    fail "$1: want [$2], got [$3]"
  fi
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
# Unique per run: tests share the broker.
run="cli.$$.$RANDOM$RANDOM"

# Usage errors exit 2 before talking to the broker.
set +e
"$topics" --bootstrap "$bootstrap" >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "no command: exit" 2 $?
grep -q "say what to do: create, delete or list" "$TEST_TMPDIR/err" ||
  fail "no command: message: $(cat "$TEST_TMPDIR/err")"
"$topics" --bootstrap "$bootstrap" shred x >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "unknown command: exit" 2 $?
"$topics" --bootstrap "$bootstrap" create --config compact x \
  >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "bad --config: exit" 2 $?
expect_eq "bad --config: message" \
  'topics: --config takes KEY=VALUE, got "compact"' \
  "$(head -1 "$TEST_TMPDIR/err")"
"$topics" --bootstrap "$bootstrap" delete >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "delete without names: exit" 2 $?
unset TOPICS_TEST_UNSET_PASSWORD
"$topics" --bootstrap "$bootstrap" --kafka_from_env \
  sasl.password=TOPICS_TEST_UNSET_PASSWORD list >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "unset --kafka_from_env: exit" 2 $?
expect_eq "unset --kafka_from_env: message" \
  "topics: --kafka_from_env sasl.password: environment variable TOPICS_TEST_UNSET_PASSWORD is not set" \
  "$(head -1 "$TEST_TMPDIR/err")"
# A property given with --kafka_from_env reaches the client.
TOPICS_TEST_CLIENT_ID=ops-$run "$topics" --bootstrap "$bootstrap" \
  --kafka_from_env client.id=TOPICS_TEST_CLIENT_ID list >/dev/null ||
  fail "list with --kafka_from_env failed"
set -e

# Create two topics with a repeated --config.
out="$("$topics" --bootstrap "$bootstrap" create --partitions 3 \
  --config cleanup.policy=compact --config=min.compaction.lag.ms=1000 \
  "$run.a" "$run.b")"
expect_eq "create output" \
  "ready $run.a: 3 partitions, cleanup.policy=compact,min.compaction.lag.ms=1000
ready $run.b: 3 partitions, cleanup.policy=compact,min.compaction.lag.ms=1000" \
  "$out"

# Idempotent.
"$topics" --bootstrap "$bootstrap" create --partitions 3 "$run.a" >/dev/null ||
  fail "re-create with the same partition count failed"

out="$("$topics" --bootstrap "$bootstrap" list "$run.a" "$run.b")"
expect_eq "list output" \
  "$run.a	3	cleanup.policy=compact,min.compaction.lag.ms=1000
$run.b	3	cleanup.policy=compact,min.compaction.lag.ms=1000" "$out"

# A partition mismatch is reported and exits 1.
set +e
"$topics" --bootstrap "$bootstrap" create --partitions 4 "$run.a" \
  >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "mismatch: exit" 1 $?
expect_eq "mismatch: message" \
  "topics: topic $run.a already exists with 3 partitions, not the 4 requested" \
  "$(cat "$TEST_TMPDIR/err")"
set -e

# The pipeline's topics under a prefix, read back through WIRESTREAM_BOOTSTRAP.
WIRESTREAM_BOOTSTRAP="$bootstrap" "$topics" create --pipeline \
  --prefix "$run-" --partitions 2 >/dev/null
out="$("$topics" --bootstrap "$bootstrap" list --pipeline --prefix "$run-")"
expect_eq "pipeline list" \
  "$run-wire.raw	2	
$run-wire.stories	2	
$run-wire.unique	2	
$run-wire.duplicates	2	
$run-wire.classified	2	
$run-wire.enriched	2	
$run-wire.alerts	2	
$run-wire.dlq	2	max.message.bytes=67108864
$run-wire.dedup.state	2	cleanup.policy=compact
$run-wire.alert.state	2	cleanup.policy=compact" "$out"

# Delete, then list and delete report the missing topics.
out="$("$topics" --bootstrap "$bootstrap" delete "$run.a" "$run.b")"
expect_eq "delete output" "deleted $run.a
deleted $run.b" "$out"
"$topics" --bootstrap "$bootstrap" delete --pipeline --prefix "$run-" >/dev/null
set +e
"$topics" --bootstrap "$bootstrap" list "$run.a" >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "list missing: exit" 1 $?
expect_eq "list missing: message" "topics: no topic $run.a" \
  "$(cat "$TEST_TMPDIR/err")"
"$topics" --bootstrap "$bootstrap" delete "$run.b" >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "delete missing: exit" 1 $?
expect_eq "delete missing: message" \
  "topics: deleting topic $run.b: no such topic" "$(cat "$TEST_TMPDIR/err")"
set -e

# Clean-up by prefix: every topic whose name starts with it, and only those.
"$topics" --bootstrap "$bootstrap" create "$run.bench.x" "$run.bench.y" \
  "$run.benchmark" >/dev/null
out="$("$topics" --bootstrap "$bootstrap" list --prefix "$run.bench")"
expect_eq "list --prefix" "$run.bench.x	1	
$run.bench.y	1	
$run.benchmark	1	" "$out"
out="$("$topics" --bootstrap "$bootstrap" delete --prefix "$run.bench.")"
expect_eq "delete --prefix output" "deleted $run.bench.x
deleted $run.bench.y" "$out"
out="$("$topics" --bootstrap "$bootstrap" list --prefix "$run.bench")"
expect_eq "list --prefix after delete" "$run.benchmark	1	" "$out"
out="$("$topics" --bootstrap "$bootstrap" delete --prefix "$run.nothing.")"
expect_eq "delete --prefix, nothing matches" "no topic to delete" "$out"
"$topics" --bootstrap "$bootstrap" delete "$run.benchmark" >/dev/null
set +e
"$topics" --bootstrap "$bootstrap" create --prefix "$run.p." x \
  >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "create --prefix without --pipeline: exit" 2 $?
"$topics" --bootstrap "$bootstrap" delete --prefix "$run.p." x \
  >/dev/null 2>"$TEST_TMPDIR/err"
expect_eq "delete --prefix with names: exit" 2 $?
set -e

if ((failures)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
